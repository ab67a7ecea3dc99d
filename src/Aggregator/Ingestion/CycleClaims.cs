using Aggregator.Storage;

namespace Aggregator.Ingestion;

/// <summary>What the claim loop of a poll cycle knows of the feeds it claimed: how many are
/// still being polled, and of each host, how many are waiting for its turn and when it last gave
/// one. A host that has <see cref="PerHost"/> waiting and has given no turn for a second is
/// stalled (it does not answer, or answers slowly), and its feeds are left unclaimed until one of
/// them gets its turn: feeds of a host that does not answer would otherwise fill the claim window,
/// and every other host would wait behind them. A host that answers quickly is never held back,
/// however many of its feeds wait: one feed service carrying a thousand feeds is polled as fast as
/// it answers (holding such a host to a few claims at a time slowed a cycle of 304s by 40 %).
/// <para>The loop sleeps when nothing it may claim is due; it is woken when a stalled host gives
/// a turn again or the last poll ends (or at the next tick, for feeds that come due).</para></summary>
public sealed class CycleClaims(int perHost)
{
    /// <summary>How long a host with feeds waiting may give no turn before it counts as stalled.</summary>
    public static readonly TimeSpan Stalled = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Waiting, long Moved)> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _held = new(StringComparer.OrdinalIgnoreCase);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _polling;

    /// <summary>Feeds of a stalled host left waiting for its turn before no more are claimed.</summary>
    public int PerHost { get; } = perHost;

    /// <summary>Claimed feeds not yet stored or failed.</summary>
    public int Polling => Volatile.Read(ref _polling);

    /// <summary>Stalled hosts with <see cref="PerHost"/> feeds waiting: claim none of theirs now.</summary>
    public IReadOnlyCollection<string> FullHosts()
    {
        var now = Environment.TickCount64;
        lock (_lock)
        {
            foreach (var (host, (waiting, moved)) in _hosts)
                if (waiting >= PerHost && now - moved > Stalled.TotalMilliseconds) _held.Add(host);
            return [.. _held];
        }
    }

    /// <summary>Before a claim: the task that completes on the next change that may let a claim
    /// succeed. Taken before claiming, so a change while the claim runs is not missed.</summary>
    public Task NextChange()
    {
        lock (_lock)
        {
            if (_wake.Task.IsCompleted) _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return _wake.Task;
        }
    }

    public void Claimed(IReadOnlyList<FeedRow> feeds)
    {
        var now = Environment.TickCount64;
        lock (_lock)
            foreach (var feed in feeds)
                _hosts[feed.Host] = _hosts.TryGetValue(feed.Host, out var h) ? (h.Waiting + 1, h.Waiting == 0 ? now : h.Moved) : (1, now);
        Interlocked.Add(ref _polling, feeds.Count);
    }

    /// <summary>A claimed feed got its host's turn (or gave up waiting for it).</summary>
    public void TurnTaken(FeedRow feed)
    {
        lock (_lock)
        {
            var left = _hosts[feed.Host].Waiting - 1;
            if (left == 0) _hosts.Remove(feed.Host);
            else _hosts[feed.Host] = (left, Environment.TickCount64);
            if (_held.Remove(feed.Host)) _wake.TrySetResult(); // it moves again
        }
    }

    /// <summary>A claimed feed was stored, or failed.</summary>
    public void Ended()
    {
        if (Interlocked.Decrement(ref _polling) == 0)
            lock (_lock) _wake.TrySetResult();
    }
}
