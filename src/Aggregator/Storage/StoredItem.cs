namespace Aggregator.Storage;

/// <summary>An item as readers see it: content, tags with their evidence, and every source that carried it.</summary>
public sealed record StoredItem
{
    public long Id { get; init; }
    public string EntryId { get; init; } = "";
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";
    /// <summary>The source's HTML (feed entries), unsanitized: publish it only through ContentSanitizer.</summary>
    public string? ContentHtml { get; init; }
    public string? Url { get; init; }
    /// <summary>The stored column (<see cref="Storage.Enclosures"/>); <see cref="Files"/> reads it.</summary>
    public string? Enclosures { get; init; }
    public IReadOnlyList<Parsing.Enclosure> Files => Storage.Enclosures.FromJson(Enclosures);
    public string Language { get; init; } = "";
    public string? Outlet { get; init; }
    public string? Author { get; init; }
    public DateTime? PublishedAt { get; init; }
    public DateTime FirstSeenAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public IReadOnlyList<StoredTag> Tags { get; init; } = [];
    public IReadOnlyList<StoredSighting> Sightings { get; init; } = [];

    /// <summary>Other copies of the same story (collapsed listings only), earliest first.</summary>
    public IReadOnlyList<StoryCopy> AlsoReportedBy { get; init; } = [];

    /// <summary>Who reported the text shown, when it is not this copy's: a story whose first copy
    /// has next to no text (a flash, an aggregator's headline) shows its earliest copy with some
    /// (collapsed listings only).</summary>
    public string? TextFrom { get; init; }
}

/// <summary>Another item of an item's story, as one source carried it.</summary>
public sealed record StoryCopy
{
    public long StoryId { get; init; }
    public long ItemId { get; init; }
    public string Title { get; init; } = "";
    public string? Url { get; init; }
    public string? Outlet { get; init; }
    public string? SourceTitle { get; init; }
    public string Locator { get; init; } = "";

    /// <summary>How a reader names who reported it: the outlet, else the source's title or address.</summary>
    public string Name => Outlet ?? SourceTitle ?? Sources.FeedUrl.Shown(Locator);
}

public sealed record StoredTag
{
    public long ItemId { get; init; }
    public string Tag { get; init; } = "";
    public double Score { get; init; }
    public string Reason { get; init; } = "";
    public string Evidence { get; init; } = "[]";

    /// <summary>The copy of a collapsed story the tag was found in (its item), when it is not
    /// the copy shown: the reason quotes that copy's text.</summary>
    public long? CopyId { get; init; }

    /// <summary>Who reported the copy named by <see cref="CopyId"/>.</summary>
    public string? CopyName { get; init; }

    /// <summary>The reason as a reader is shown it: a tag found in another copy of the story says
    /// whose, since the sentence it quotes is not in the text shown.</summary>
    public string Explanation => CopyId is null ? Reason : $"in the copy {(CopyName is { } name ? "by " + name : "of another source")}: {Reason}";
}

public sealed record StoredSighting
{
    public long ItemId { get; init; }
    public string Kind { get; init; } = "";
    public string Locator { get; init; } = "";
    public string? SourceTitle { get; init; }
    public string? Url { get; init; }
    public DateTime FirstSeenAt { get; init; }
}
