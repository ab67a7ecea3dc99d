using System.Collections.Concurrent;

namespace Aggregator.Fetching;

/// <summary>The network limits of a poll cycle: so many fetches at once in all, and so many per
/// host, where a host is the one each request goes to. A feed redirected to another host (the
/// many sites that send their feeds to one feed service) waits for that host's turn like the
/// feeds subscribed there, instead of queueing inside the HTTP handler with its time running.</summary>
/// <param name="slowAfter">A fetch that takes this long makes its host slow for the next ten
/// minutes of the cycle (default 5 s); slow hosts share half the total.</param>
/// <param name="silenceFor">How long a host that did not answer is not tried again in the cycle
/// (default a minute, the longest scheduler tick): the service's cycles run on while feeds keep
/// coming due, and a host down for a moment had been skipped for as long as that lasted.</param>
public sealed class FetchLimits(int total, int perHost, TimeSpan? slowAfter = null, TimeSpan? silenceFor = null) : IDisposable
{
    private static readonly long SlowForMs = (long)TimeSpan.FromMinutes(10).TotalMilliseconds;

    /// <summary>How often a slow host's fetch waiting for the slow hosts' share looks for an idle slot.</summary>
    private static readonly TimeSpan Borrow = TimeSpan.FromMilliseconds(250);

    private readonly long _slowAfterMs = (long)(slowAfter ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
    private readonly long _silenceForMs = (long)(silenceFor ?? TimeSpan.FromMinutes(1)).TotalMilliseconds;

    private readonly SemaphoreSlim _total = new(total);
    // Slow hosts (state media answering in 20 s from abroad) share half the slots: four of them had
    // held all eight, two each, and every fast host's feeds waited behind them for minutes.
    private readonly SemaphoreSlim _slowShare = new(Math.Max(1, total / 2));
    private readonly ConcurrentDictionary<string, long> _slow = new(StringComparer.OrdinalIgnoreCase); // since (TickCount64)
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string Reason, long Since)> _silent = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _perHost = perHost;

    /// <summary>Waits for a turn at the host of <paramref name="url"/>, then for one of the total.</summary>
    public async Task<Lease> EnterAsync(string url, CancellationToken ct)
    {
        var lease = new Lease(this);
        try
        {
            await lease.MoveToAsync(HostOf(url), ct);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>The host:port a request goes to (what the per-host limit counts).</summary>
    public static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Authority : url;

    /// <summary>One fetch's turn: a slot at the host it is talking to and one of the total.</summary>
    public sealed class Lease(FetchLimits limits) : IDisposable
    {
        private SemaphoreSlim? _host;
        private bool _holdsTotal;
        private bool _holdsSlowShare;
        private long _since;

        public string? Host { get; private set; }

        /// <summary>Set when the host this turn waited for did not answer another fetch in this
        /// cycle: the turn holds no slot, and the fetch is not tried (see <see cref="Unanswered"/>).</summary>
        public string? Silence { get; private set; }

        /// <summary>The host this turn is at did not answer (no connection, or no response within
        /// the time limit): its other feeds in this cycle are not tried. Several hosts that never
        /// answer had held every one of the cycle's fetch slots for a whole timeout after another,
        /// and feeds redirected to one filled the claim window waiting for its turn.</summary>
        public void Unanswered(string reason)
        {
            if (Host is not null) limits._silent.TryAdd(Host, (reason, Environment.TickCount64));
        }

        /// <summary>Moves the turn to another host: both slots are given up first, then the host is
        /// waited for before the total, so a fetch waiting for a busy host holds neither (and
        /// two redirects between the same two hosts cannot wait on each other).</summary>
        public async Task MoveToAsync(string host, CancellationToken ct)
        {
            if (_host is not null && string.Equals(Host, host, StringComparison.OrdinalIgnoreCase)) return;
            Release();
            var next = limits._hosts.GetOrAdd(host, _ => new SemaphoreSlim(limits._perHost));
            await next.WaitAsync(ct);
            (_host, Host) = (next, host);
            if (limits._silent.TryGetValue(host, out var silent))
            {
                if (Environment.TickCount64 - silent.Since < limits._silenceForMs)
                {
                    Silence = $"not tried: {host} did not answer another of this cycle's fetches ({silent.Reason}); tried again at its next poll";
                    Release();
                    return;
                }
                limits._silent.TryRemove(new KeyValuePair<string, (string, long)>(host, silent));
            }
            if (limits._slow.TryGetValue(host, out var slowSince) && Environment.TickCount64 - slowSince < SlowForMs)
            {
                // Its share, or a slot nobody else is waiting for: once the fast hosts are done,
                // slow ones are not held to half the slots with the other half idle.
                while (!(_holdsSlowShare = await limits._slowShare.WaitAsync(Borrow, ct)))
                    if (limits._total.CurrentCount > 0) break;
            }
            await limits._total.WaitAsync(ct);
            _holdsTotal = true;
            _since = Environment.TickCount64;
        }

        /// <summary>The fetch is done (its body read): one that took long makes its host slow.</summary>
        public void Fetched()
        {
            if (_holdsTotal && Host is not null && Environment.TickCount64 - _since > limits._slowAfterMs)
                limits._slow[Host] = Environment.TickCount64;
        }

        private void Release()
        {
            if (_holdsTotal) limits._total.Release();
            if (_holdsSlowShare) limits._slowShare.Release();
            _holdsTotal = _holdsSlowShare = false;
            _host?.Release();
            _host = null;
        }

        public void Dispose() => Release();
    }

    public void Dispose()
    {
        _total.Dispose();
        _slowShare.Dispose();
        foreach (var host in _hosts.Values) host.Dispose();
    }
}
