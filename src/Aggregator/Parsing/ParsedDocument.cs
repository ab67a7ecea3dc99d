namespace Aggregator.Parsing;

/// <summary>What a parser found in one document or feed entry, before normalizing.
/// PublishedAt is null when the source does not state it: never invented.</summary>
public sealed record ParsedDocument
{
    public required string Title { get; init; }
    public required string Body { get; init; }
    public required string Language { get; init; }
    public DateTime? PublishedAt { get; init; }
    /// <summary>PublishedAt is the entry's last update (an Atom entry with no &lt;published&gt;):
    /// the date it was first seen with stays its date, so that every edit does not move it up
    /// the river.</summary>
    public bool DatedByUpdate { get; init; }
    public string? Outlet { get; init; }
    public string? Author { get; init; }
    public string? Url { get; init; }
    /// <summary>The entry's own HTML (feeds), published after sanitizing; null when the body is the content.</summary>
    public string? ContentHtml { get; init; }
    /// <summary>The files the entry carries (feeds).</summary>
    public IReadOnlyList<Enclosure> Enclosures { get; init; } = [];
}
