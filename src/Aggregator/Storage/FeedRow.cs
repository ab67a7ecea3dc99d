namespace Aggregator.Storage;

/// <summary>A subscription and its polling state, as stored.</summary>
public sealed record FeedRow
{
    public long Id { get; init; }
    public long SourceId { get; init; }
    public string Url { get; init; } = "";

    /// <summary>The host:port it is fetched from, as the database derives it from the address.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Host { get; init; } = "";

    /// <summary>The title the feed gives itself, as of its last successful poll.</summary>
    public string? Title { get; init; }

    /// <summary>The subscriber's own name for the feed, when they gave one: polls leave it alone.</summary>
    public string? CustomTitle { get; init; }

    /// <summary>The folder the subscriber filed it under, if any.</summary>
    public string? Folder { get; init; }

    /// <summary>What lists show: the subscriber's name, else the feed's own title.</summary>
    public string? DisplayTitle => CustomTitle ?? Title;

    /// <summary>ok, failing, gone (410: not polled any more), disabled, or new (not polled yet).</summary>
    public string State => Gone ? "gone" : !Enabled ? "disabled" : ConsecutiveErrors > 0 ? "failing" : LastSuccessAt is null ? "new" : "ok";

    /// <summary>HTTP authentication for the feed (<see cref="Fetching.FeedCredentials"/>); the
    /// password is never printed, listed or exported.</summary>
    public string? Username { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Password { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public Fetching.FeedCredentials? Credentials => Username is null ? null : new(Username, Password ?? "");

    public bool Enabled { get; init; } = true;
    public long? MinIntervalSeconds { get; init; }
    public long? MaxIntervalSeconds { get; init; }
    public string? EncodingOverride { get; init; }

    /// <summary>Each entry's own page is fetched and its article read instead of the feed's
    /// summary (Ingestion/OriginalPages.cs).</summary>
    public bool FetchOriginal { get; init; }

    /// <summary>Where the article is on those pages, when their markup does not say: a CSS selector
    /// (every element it matches, in order); null: found by the markup (HtmlDocumentParser).</summary>
    public string? ArticleSelector { get; init; }

    /// <summary>Its rules for which entries are stored, one per line as kept (Processing/EntryRules.cs).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? BlockRules { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public string? KeepRules { get; init; }

    /// <summary>Entries matching any of these are left out.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("blockRules")]
    public IReadOnlyList<string> BlockRuleList => Processing.EntryRules.Lines(BlockRules);

    /// <summary>When any: entries matching none of these are left out.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("keepRules")]
    public IReadOnlyList<string> KeepRuleList => Processing.EntryRules.Lines(KeepRules);
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    public DateTime? LastAttemptAt { get; init; }
    public DateTime? LastSuccessAt { get; init; }
    public long? LastStatus { get; init; }
    public long ConsecutiveErrors { get; init; }
    public string? LastError { get; init; }
    public string? Warning { get; init; }
    public bool Gone { get; init; }
    public double? EntriesPerWeek { get; init; }

    /// <summary>The dates its rate is counted from, as of its last full fetch (PollPlanner.StoredDates).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? EntryDates { get; init; }

    /// <summary>The shortest interval the feed asks for (ttl, sy:updatePeriod) as of its last full fetch.</summary>
    public long? AskedIntervalSeconds { get; init; }

    /// <summary>The last successful fetch's body as this build read it (FeedIngestor.BodyHash).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? BodyHash { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTime NextPollAt { get; init; }

    /// <summary>When it is polled next, as lists show it: never (null) for a feed that is gone or disabled.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("nextPollAt")]
    public DateTime? NextPoll => Gone || !Enabled ? null : NextPollAt;

    /// <summary>Why it is polled then: the rate it publishes at, what it or its server asks for, or a
    /// backoff; for a feed not polled, why not.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("nextPollReason")]
    public string? NextPollReason => Gone ? "gone (410): polling stopped; feeds edit --enable polls it again"
        : !Enabled ? "disabled; feeds edit --enable polls it again" : NextPollWhy;

    [System.Text.Json.Serialization.JsonIgnore]
    public string? NextPollWhy { get; init; }
    public long ItemCount { get; init; }

    /// <summary>The poller (a cluster node or a command) polling it right now, and until when its claim holds.</summary>
    public string? ClaimedBy { get; init; }
    public DateTime? ClaimedUntil { get; init; }
}

/// <summary>A subscription as a list states it: from OPML or `feeds add`.</summary>
/// <param name="Title">The subscriber's own name for the feed (`feeds add --title`, an OPML
/// outline's text when it differs from its title), kept whatever the feed calls itself.</param>
/// <param name="FeedTitle">The feed's own title as known when subscribing (`feeds add` read it,
/// an OPML outline's title attribute), shown until the first poll.</param>
/// <param name="Folder">The folder it is filed under (the OPML outline around it, `feeds add --folder`).</param>
/// <param name="Credentials">A user name and password the list gives (an address's user:password@), or null: none given.</param>
/// <param name="Listed">From a subscription list (OPML): its <paramref name="FeedTitle"/> is the
/// name the list gives, which readers write as the subscriber's own; not a title read from the feed.</param>
/// <param name="FetchOriginal">Fetch each entry's own page and read its article (<see cref="FeedRow.FetchOriginal"/>).</param>
/// <param name="ArticleSelector">Where the article is on those pages (<see cref="FeedRow.ArticleSelector"/>).</param>
/// <param name="BlockRules">Entries left out, one rule per line (<see cref="Processing.EntryRules"/>); null: none.</param>
/// <param name="KeepRules">When given, entries matching none of these are left out.</param>
public sealed record FeedSubscription(string Url, string? Title, bool Enabled = true,
    TimeSpan? MinInterval = null, TimeSpan? MaxInterval = null, string? EncodingOverride = null, string? FeedTitle = null, string? Folder = null,
    Fetching.FeedCredentials? Credentials = null, bool Listed = false, bool FetchOriginal = false, string? ArticleSelector = null,
    string? BlockRules = null, string? KeepRules = null);

/// <summary>What one poll of a feed changes in its state.</summary>
public sealed record FeedPollState
{
    public required long FeedId { get; init; }
    public required DateTime AttemptAt { get; init; }
    public required DateTime NextPollAt { get; init; }
    /// <summary>Why then (PollPlanner), for `feeds list`; null when nothing decided it (a 410, a bug).</summary>
    public string? NextPollWhy { get; init; }
    public int? Status { get; init; }
    public bool Success { get; init; }
    public string? Error { get; init; }
    public string? Warning { get; init; }
    public bool Gone { get; init; }
    /// <summary>Where a permanent redirect moved the feed, once the new address answered with a feed.</summary>
    public string? NewUrl { get; init; }
    /// <summary>The new address is on another site (scheme, host or port): the credentials stay behind.</summary>
    public bool MovedElsewhere { get; init; }
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>A body came (a 200, read or the same as before): its validators replace the stored
    /// ones, none sent meaning none. A 304 updates only those it carries.</summary>
    public bool BodyValidators { get; init; }
    public string? Title { get; init; }
    public double? EntriesPerWeek { get; init; }
    /// <summary>With a body: the dates its rate is counted from (null: none dated). Without one: unchanged.</summary>
    public string? EntryDates { get; init; }
    /// <summary>With a body: what the feed asks for now (null: nothing). Without one (a 304, a
    /// failure): unchanged.</summary>
    public long? AskedIntervalSeconds { get; init; }
    public byte[]? Body { get; init; }

    /// <summary>A feed whose entries' pages are fetched, read from a body: the keys of the entries
    /// it carries now (the kept pages of others are dropped), and the pages this poll fetched or
    /// tried to. Null: the kept pages are left as they are.</summary>
    public IReadOnlyList<string>? PageKeys { get; init; }
    public IReadOnlyList<OriginalPage> Pages { get; init; } = [];
    public string? BodyHash { get; init; }
    public string? ContentType { get; init; }
    /// <summary>With a body: the charset the server declared, and where the body came from.</summary>
    public string? Charset { get; init; }
    public string? BodyUrl { get; init; }
    /// <summary>The kept body read again (`feeds reparse`), not a poll: only what is read from the
    /// body is written (entries, title, rate, warning), never the fetch's state or the body.</summary>
    public bool Reread { get; init; }
}

/// <summary>A feed's kept body as fetched (decompressed), with what it was read with.</summary>
public sealed record StoredBody(byte[] Bytes, string? ContentType, string? Charset, string? Url);

/// <summary>A poll ready to be written: the feed's new state and the entries it carried.</summary>
public sealed record CompletedPoll(FeedPollState State, IReadOnlyList<IncomingItem> Items);

/// <summary>What writing one poll did: its entries' outcomes, or why it was rolled back.</summary>
public sealed record PollWriteResult(IReadOnlyList<StoreOutcome>? Outcomes, Exception? Error);
