namespace Aggregator.Parsing.Feeds;

/// <summary>How a text field was marked up in the feed. Xhtml content arrives as its inner markup, so it is Html here.</summary>
public enum TextKind { Text, Html }

/// <summary>A feed text construct as published: the raw value and whether it is markup.</summary>
public sealed record FeedText(string Value, TextKind Kind)
{
    /// <summary>The text a reader sees: markup removed, entities decoded, whitespace collapsed.</summary>
    public string Plain => Kind == TextKind.Html ? HtmlText.ToPlain(Value) : HtmlText.Collapse(Value);
}

/// <summary>One entry of a feed, whatever the format it came in.</summary>
public sealed record ParsedEntry
{
    public string? Id { get; init; }
    public FeedText? Title { get; init; }
    public string? Link { get; init; }
    public DateTime? Published { get; init; }
    public DateTime? Updated { get; init; }
    public string? Author { get; init; }
    /// <summary>An Atom entry's source's author, else its feed's, which RFC 4287 §4.2.1 applies to an
    /// entry that names none: the byline stored for it. Not <see cref="Author"/>, which is what the
    /// entry itself says (feedparser's reading, and the conformance record's).</summary>
    public string? InheritedAuthor { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    /// <summary>The name of the feed the entry first came from, when the feed republishes others'
    /// entries and says so (RSS &lt;source&gt;, Atom &lt;source&gt;&lt;title&gt;): Google News, a planet, a
    /// reader's bundle.</summary>
    public string? Source { get; init; }
    public FeedText? Summary { get; init; }
    public FeedText? Content { get; init; }
    public IReadOnlyList<Enclosure> Enclosures { get; init; } = [];
}

/// <summary>A parsed feed. Bozo, as in feedparser: the feed was readable only after working
/// around a problem, which Problems names.</summary>
public sealed record ParsedFeed
{
    public required string Format { get; init; }
    /// <summary>"syndication" for System.ServiceModel.Syndication, "own" for our readers.</summary>
    public string Reader { get; init; } = "own";
    public bool Bozo => Problems.Count > 0;
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Where the document broke off, when it did (what came before was kept).</summary>
    public string? BrokenAt { get; init; }
    public FeedText? Title { get; init; }
    public string? Link { get; init; }
    public string? Language { get; init; }
    public DateTime? Updated { get; init; }
    /// <summary>The shortest interval the feed asks pollers to keep (RSS ttl, sy:updatePeriod/Frequency).</summary>
    public TimeSpan? MinimumInterval { get; init; }
    public IReadOnlyList<ParsedEntry> Entries { get; init; } = [];

    /// <summary>Why nothing could be read, when the document broke off before its first entry: a
    /// failure with its reason (a poll's, shown in `feeds list` and retried with backoff; a
    /// reason for `feeds add` to refuse it), not a healthy empty feed. Null otherwise.</summary>
    public string? Unreadable => Entries.Count == 0 && BrokenAt is { } broken
        ? broken.Replace("; kept what came before", "", StringComparison.Ordinal) + "; no entry could be read"
        : null;
}

/// <summary>The outcome of parsing a body: a feed, or why not (with the feeds an HTML page advertises).</summary>
/// <param name="WebPage">The body is a web page (its advertised feeds in <paramref name="Alternates"/>).</param>
public sealed record FeedParseResult(ParsedFeed? Feed, string? Error, IReadOnlyList<string> Alternates, bool WebPage = false)
{
    public static FeedParseResult Of(ParsedFeed feed) => new(feed, null, []);
    public static FeedParseResult Failed(string error) => new(null, error, []);
}
