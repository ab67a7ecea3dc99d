namespace Aggregator.Parsing;

/// <summary>A file an entry carries: a podcast's audio, a broadcast's video, a report's PDF, a
/// photo (RSS &lt;enclosure&gt;, Atom link rel="enclosure", Media RSS media:content, JSON Feed
/// attachments). Length in bytes when the feed states it.</summary>
public sealed record Enclosure(string Url, string? Type, long? Length);
