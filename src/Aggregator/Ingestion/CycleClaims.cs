using Aggregator.Storage;

namespace Aggregator.Ingestion;

/// <summary>What the claim loop of a poll cycle knows of the feeds it claimed: how many are
/// still being polled, and how many of each host are still waiting for their host's turn. A host
/// with <see cref="PerClaim"/> waiting is full, and its feeds are left unclaimed until one of them
/// gets its turn: feeds of a host that does not answer (each waits out the timeout, two at a time)
/// would otherwise fill the claim window, and every other host would wait behind them.
/// <para>The loop sleeps when nothing it may claim is due; it is woken when a full host has room
/// again or the last poll ends (or at the next tick, for feeds that come due).</para></summary>
public sealed class CycleClaims(int perHost)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _waiting = new(StringComparer.OrdinalIgnoreCase);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _polling;

    /// <summary>Feeds of one host claimed and waiting for its turn, fewer than this (see FeedStore.ClaimDueAsync).</summary>
    public int PerHost { get; } = perHost;

    /// <summary>Taken of one host at a claim, at most; a host with this many waiting is full, so
    /// that a host never has <see cref="PerHost"/> waiting.</summary>
    public int PerClaim { get; } = Math.Max(1, perHost / 2);

    /// <summary>Claimed feeds not yet stored or failed.</summary>
    public int Polling => Volatile.Read(ref _polling);

    /// <summary>Hosts with <see cref="PerClaim"/> feeds waiting: claim none of theirs now.</summary>
    public IReadOnlyCollection<string> FullHosts()
    {
        lock (_lock) return [.. _waiting.Where(h => h.Value >= PerClaim).Select(h => h.Key)];
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
        lock (_lock)
            foreach (var feed in feeds)
                _waiting[feed.Host] = _waiting.GetValueOrDefault(feed.Host) + 1;
        Interlocked.Add(ref _polling, feeds.Count);
    }

    /// <summary>A claimed feed got its host's turn (or gave up waiting for it).</summary>
    public void TurnTaken(FeedRow feed)
    {
        lock (_lock)
        {
            var left = _waiting[feed.Host] - 1;
            if (left == 0) _waiting.Remove(feed.Host);
            else _waiting[feed.Host] = left;
            if (left == PerClaim - 1) _wake.TrySetResult(); // it was full
        }
    }

    /// <summary>A claimed feed was stored, or failed.</summary>
    public void Ended()
    {
        if (Interlocked.Decrement(ref _polling) == 0)
            lock (_lock) _wake.TrySetResult();
    }
}
