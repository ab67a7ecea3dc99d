namespace Aggregator.Storage;

/// <summary>A subscription and its polling state, as stored.</summary>
public sealed record FeedRow
{
    public long Id { get; init; }
    public long SourceId { get; init; }
    public string Url { get; init; } = "";
    public string? Title { get; init; }
    public bool Enabled { get; init; } = true;
    public long? MinIntervalSeconds { get; init; }
    public long? MaxIntervalSeconds { get; init; }
    public string? EncodingOverride { get; init; }
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
    public DateTime NextPollAt { get; init; }
    public long ItemCount { get; init; }

    /// <summary>The poller (a cluster node or a command) polling it right now, and until when its claim holds.</summary>
    public string? ClaimedBy { get; init; }
    public DateTime? ClaimedUntil { get; init; }
}

/// <summary>A subscription to add: from OPML or `feeds add`.</summary>
public sealed record FeedSubscription(string Url, string? Title, bool Enabled = true,
    TimeSpan? MinInterval = null, TimeSpan? MaxInterval = null, string? EncodingOverride = null);

/// <summary>What one poll of a feed changes in its state.</summary>
public sealed record FeedPollState
{
    public required long FeedId { get; init; }
    public required DateTime AttemptAt { get; init; }
    public required DateTime NextPollAt { get; init; }
    public int? Status { get; init; }
    public bool Success { get; init; }
    public string? Error { get; init; }
    public string? Warning { get; init; }
    public bool Gone { get; init; }
    public string? NewUrl { get; init; }
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    public string? Title { get; init; }
    public double? EntriesPerWeek { get; init; }
    public byte[]? Body { get; init; }
    public string? ContentType { get; init; }
}

/// <summary>A poll ready to be written: the feed's new state and the entries it carried.</summary>
public sealed record CompletedPoll(FeedPollState State, IReadOnlyList<IncomingItem> Items);

/// <summary>What writing one poll did: its entries' outcomes, or why it was rolled back.</summary>
public sealed record PollWriteResult(IReadOnlyList<StoreOutcome>? Outcomes, Exception? Error);
