using Aggregator.Processing.Tagging;

namespace Aggregator.Storage;

/// <summary>A parsed, hashed and tagged entry, ready to be stored as an item plus a sighting.</summary>
public sealed record IncomingItem
{
    public required long SourceId { get; init; }
    /// <summary>The source's own identity of the entry: '' for a document file, GUID/link in a feed.</summary>
    public required string EntryKey { get; init; }
    public required string ContentHash { get; init; }
    public required string EntryId { get; init; }
    public required string Title { get; init; }
    public required string Body { get; init; }
    public required string Language { get; init; }
    public string? Url { get; init; }
    public string? Outlet { get; init; }
    public string? Author { get; init; }
    public string? ContentHtml { get; init; }
    /// <summary>The files the entry carries, as stored: a JSON array (<see cref="Enclosures"/>), null for none.</summary>
    public string? Enclosures { get; init; }
    public DateTime? PublishedAt { get; init; }
    /// <summary>See ParsedDocument.DatedByUpdate: an edit keeps the stored date.</summary>
    public bool DatedByUpdate { get; init; }
    public required IReadOnlyList<TagDecision> Tags { get; init; }
    public required string RulesVersion { get; init; }
    public required Processing.Stories.StoryFingerprint Story { get; init; }
}

public enum StoreOutcome
{
    /// <summary>New content: a new item.</summary>
    Inserted,
    /// <summary>Content already stored, carried by another source: a new sighting only.</summary>
    Sighted,
    /// <summary>The source's entry changed: its item was updated (or moved to other content).</summary>
    Updated,
    /// <summary>Same source, same content: nothing written.</summary>
    Unchanged,
}
