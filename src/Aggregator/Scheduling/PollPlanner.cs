namespace Aggregator.Scheduling;

/// <summary>When to poll a feed next. After a success the interval follows how often the feed
/// publishes (7 days / entries in the last week, as Miniflux's entry-frequency scheduler does),
/// bounded, and never sooner than the feed or server asks (ttl, sy:updatePeriod, max-age,
/// Expires, Retry-After) up to the upper bound. After a failure it backs off exponentially. Jitter spreads feeds out
/// so that they do not all come due in the same minute.</summary>
public static class PollPlanner
{
    public static double EntriesPerWeek(IEnumerable<DateTime?> entryDates, DateTime now) =>
        entryDates.Count(d => d is { } date && date <= now.AddHours(1) && date > now.AddDays(-7));

    /// <param name="jitter">A number in [0, 1) from the caller's random source.</param>
    public static DateTime AfterSuccess(DateTime now, double entriesPerWeek, TimeSpan min, TimeSpan max,
        TimeSpan? feedMinimum, TimeSpan? serverMinimum, double jitter)
    {
        var interval = entriesPerWeek <= 0 ? max : TimeSpan.FromDays(7) / entriesPerWeek;
        interval = Clamp(interval, min, max);
        interval += interval * 0.1 * jitter;
        foreach (var asked in new[] { feedMinimum, serverMinimum })
            if (asked is { } a && a > interval)
                interval = Cap(a, max);
        return now + interval;
    }

    public static DateTime AfterFailure(DateTime now, long consecutiveErrors, TimeSpan min, TimeSpan max, TimeSpan? retryAfter, double jitter)
    {
        var exponent = Math.Min(Math.Max(consecutiveErrors - 1, 0), 20);
        var backoff = Clamp(min * Math.Pow(2, exponent), min, max);
        backoff += backoff * 0.2 * jitter;
        return now + (retryAfter is { } r && r > backoff ? Cap(r, max) : backoff);
    }

    /// <summary>What a feed or server asks for is honoured up to the upper bound: a ttl of a
    /// year, a CDN's max-age of a year or a Retry-After in 9999 would otherwise stop a feed for
    /// good while it is listed as healthy. Miniflux caps them the same way
    /// (SCHEDULER_ROUND_ROBIN_MAX_INTERVAL).</summary>
    private static TimeSpan Cap(TimeSpan asked, TimeSpan max) => asked > max ? max : asked;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;
}
