using Aggregator.Fetching;

namespace Aggregator.Tests.Fetching;

/// <summary>The network limits of a poll cycle, with real leases and real time.</summary>
public sealed class FetchLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Four slow hosts (state media answering in 20 s from abroad) took all eight fetch
    /// slots, two each, and every fast host's feeds waited behind them for minutes. Once a host has
    /// been slow, its fetches share half the slots with the other slow hosts'.</summary>
    [Fact]
    public async Task Slow_hosts_share_half_the_slots_and_fast_ones_keep_the_rest()
    {
        using var limits = new FetchLimits(8, 2, slowAfter: TimeSpan.FromMilliseconds(50));
        string[] slow = ["http://slow1.example/f", "http://slow2.example/f", "http://slow3.example/f", "http://slow4.example/f"];
        var first = new List<FetchLimits.Lease>();
        foreach (var url in slow.Concat(slow))
            first.Add(await limits.EnterAsync(url, Ct)); // all eight slots, as before they are known to be slow
        await Task.Delay(100, Ct);
        foreach (var lease in first)
        {
            lease.Fetched();
            lease.Dispose();
        }

        var again = new List<FetchLimits.Lease>();
        foreach (var url in slow)
            again.Add(await limits.EnterAsync(url, Ct)); // half the slots: four
        var fast = new List<FetchLimits.Lease>();
        foreach (var url in new[] { "http://fast.example/a", "http://fast.example/b", "http://fast2.example/a", "http://fast2.example/b" })
            fast.Add(await limits.EnterAsync(url, Ct)); // fast hosts still get the other four at once
        var fifth = limits.EnterAsync(slow[0], Ct);
        await Task.Delay(600, Ct);

        Assert.False(fifth.IsCompleted); // no share left and no idle slot: it waits
        again[1].Dispose();
        using var waited = await fifth.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("slow1.example", waited.Host);

        // With the fast hosts done and slots idle, a slow host's fetch beyond the share takes one
        // (the share alone had left half the slots empty at the end of a cycle).
        foreach (var lease in fast) lease.Dispose();
        using var beyond = await limits.EnterAsync(slow[2], Ct).WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("slow3.example", beyond.Host);
        foreach (var lease in again) lease.Dispose();
    }

    /// <summary>A host that did not answer is not tried again for a while, then is: the service's
    /// cycles run on while feeds keep coming due, and a host down for a moment had been skipped,
    /// its feeds failing "not tried", for as long as the cycle lasted.</summary>
    [Fact]
    public async Task A_host_that_did_not_answer_is_tried_again_after_a_while()
    {
        using var limits = new FetchLimits(8, 2, silenceFor: TimeSpan.FromMilliseconds(300));
        using (var first = await limits.EnterAsync("http://down.example/a", Ct))
            first.Unanswered("connection refused");

        using (var skipped = await limits.EnterAsync("http://down.example/b", Ct))
            Assert.StartsWith("not tried: down.example did not answer another of this cycle's fetches (connection refused)", skipped.Silence, StringComparison.Ordinal);
        using (var other = await limits.EnterAsync("http://up.example/a", Ct))
            Assert.Null(other.Silence);
        await Task.Delay(400, Ct);
        using var tried = await limits.EnterAsync("http://down.example/b", Ct);
        Assert.Null(tried.Silence);
    }

    /// <summary>A host that answers quickly is never counted slow, however many of its feeds there are.</summary>
    [Fact]
    public async Task A_fast_host_keeps_every_slot_it_is_allowed()
    {
        using var limits = new FetchLimits(8, 8, slowAfter: TimeSpan.FromSeconds(5));
        for (var round = 0; round < 3; round++)
        {
            var leases = new List<FetchLimits.Lease>();
            for (var i = 0; i < 8; i++) leases.Add(await limits.EnterAsync($"http://one.example/{i}", Ct));
            foreach (var lease in leases)
            {
                lease.Fetched();
                lease.Dispose();
            }
        }
        var ninth = new List<FetchLimits.Lease>();
        for (var i = 0; i < 8; i++)
        {
            var entering = limits.EnterAsync($"http://one.example/{i}", Ct);
            Assert.True(entering.IsCompleted, $"lease {i} waited");
            ninth.Add(await entering);
        }
        foreach (var lease in ninth) lease.Dispose();
    }
}
