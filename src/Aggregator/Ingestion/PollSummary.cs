using Aggregator.Storage;

namespace Aggregator.Ingestion;

/// <summary>What one poll cycle did, for the log, the CLI and tests.</summary>
public sealed record PollSummary
{
    public int Feeds { get; init; }
    public int Fetched { get; init; }
    public int NotModified { get; init; }
    public int Failed { get; init; }
    public int Gone { get; init; }
    public int Inserted { get; init; }
    public int Sighted { get; init; }
    public int Updated { get; init; }
    public int Unchanged { get; init; }

    /// <summary>Entries the feeds' own rules left out (not stored).</summary>
    public int LeftOut { get; init; }

    /// <summary>Why config/feeds.opml, or outlines of it, could not be applied (the feeds subscribed already were polled).</summary>
    public IReadOnlyList<string> SubscriptionProblems { get; init; } = [];

    /// <summary>Why no feed was polled at all (this process's clock is off from the shared
    /// database's), or null.</summary>
    public string? NotPolled { get; init; }

    /// <summary>The feeds unsubscribed at the start of the cycle because config/feeds.opml no longer lists them.</summary>
    public IReadOnlyList<string> Unsubscribed { get; init; } = [];

    public static PollSummary Of(IEnumerable<FeedPollReport> reports)
    {
        var list = reports.ToList();
        var outcomes = list.SelectMany(r => r.Outcomes).ToList();
        return new PollSummary
        {
            Feeds = list.Count,
            Fetched = list.Count(r => r.Kind == FeedPollKind.Fetched),
            NotModified = list.Count(r => r.Kind == FeedPollKind.NotModified),
            Failed = list.Count(r => r.Kind == FeedPollKind.Failed),
            Gone = list.Count(r => r.Kind == FeedPollKind.Gone),
            Inserted = outcomes.Count(o => o == StoreOutcome.Inserted),
            Sighted = outcomes.Count(o => o == StoreOutcome.Sighted),
            Updated = outcomes.Count(o => o == StoreOutcome.Updated),
            Unchanged = outcomes.Count(o => o == StoreOutcome.Unchanged),
            LeftOut = list.Sum(r => r.LeftOut.Count),
        };
    }

    public override string ToString() =>
        $"{Feeds} feed(s) polled: {Fetched} fetched, {NotModified} not modified, {Failed} failed, {Gone} gone; " +
        $"entries: {Inserted} new, {Sighted} new sighting(s) of stored items, {Updated} updated, {Unchanged} unchanged"
        + (LeftOut > 0 ? $", {LeftOut} left out by their feeds' rules" : "");
}

public enum FeedPollKind { Fetched, NotModified, Failed, Gone }

/// <param name="LeftOut">The titles of the entries the feed's own rules left out (Processing/EntryRules.cs).</param>
public sealed record FeedPollReport(string Url, FeedPollKind Kind, IReadOnlyList<StoreOutcome> Outcomes, string? Error, IReadOnlyList<string> LeftOut)
{
    public FeedPollReport(string url, FeedPollKind kind, IReadOnlyList<StoreOutcome> outcomes, string? error) : this(url, kind, outcomes, error, []) { }
}
