namespace Aggregator.Scheduling;

/// <summary>When to poll a feed next. After a success the interval follows how often the feed
/// publishes (7 days / entries in the last week, as Miniflux's entry-frequency scheduler does),
/// bounded, and never sooner than the feed or server asks (ttl, sy:updatePeriod, max-age,
/// Expires, Retry-After) up to the upper bound. After a failure it backs off exponentially. Jitter spreads feeds out
/// so that they do not all come due in the same minute.</summary>
public static class PollPlanner
{
    /// <summary>How many entries the feed publishes a week, from the dates of those it shows. A
    /// feed that shows only its latest entries (20 of the 100 it publishes a day) covers less
    /// than a week: its rate is the gaps between them over the time since the oldest, not a
    /// count that makes a busy feed look like a weekly one. Three dated entries at least, so
    /// that one fresh post does not make a quiet feed look busy; entries that all carry one
    /// time (a generator's build time, a date without a time) give no rate, only a count.</summary>
    public static double EntriesPerWeek(IEnumerable<DateTime?> entryDates, DateTime now)
    {
        var week = now.AddDays(-7);
        var (recent, oldest, newest, older) = (0, DateTime.MaxValue, DateTime.MinValue, false);
        foreach (var d in entryDates)
        {
            if (d is not { } date || date > now.AddHours(1)) continue;
            if (date <= week) { older = true; continue; }
            recent++;
            if (date < oldest) oldest = date;
            if (date > newest) newest = date;
        }
        if (older || recent < 3 || newest - oldest < TimeSpan.FromMinutes(1)) return recent;
        var covered = now - oldest < TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : now - oldest;
        return Math.Max(recent, (recent - 1) * (TimeSpan.FromDays(7) / covered));
    }

    /// <param name="started">When the fetch started: the interval counts from there, so a
    /// feed polled every minute is due again by the next tick rather than the one after.</param>
    /// <param name="now">When the answer came: what the server asks for (max-age, Retry-After) counts from there.</param>
    /// <param name="jitter">A number in [0, 1) from the caller's random source.</param>
    public static DateTime AfterSuccess(DateTime started, DateTime now, double entriesPerWeek, TimeSpan min, TimeSpan max,
        TimeSpan? feedMinimum, TimeSpan? serverMinimum, double jitter)
    {
        var interval = entriesPerWeek <= 0 ? max : TimeSpan.FromDays(7) / entriesPerWeek;
        interval = Clamp(Jittered(Clamp(interval, min, max), 0.1, jitter), min, max);
        var next = started + interval;
        if (feedMinimum is { } f && started + Cap(f, max) > next) next = started + Cap(f, max);
        if (serverMinimum is { } s && now + Cap(s, max) > next) next = now + Cap(s, max);
        return next;
    }

    public static DateTime AfterFailure(DateTime now, long consecutiveErrors, TimeSpan min, TimeSpan max, TimeSpan? retryAfter, double jitter)
    {
        var exponent = Math.Min(Math.Max(consecutiveErrors - 1, 0), 20);
        var backoff = Clamp(Jittered(Clamp(min * Math.Pow(2, exponent), min, max), 0.2, jitter), min, max);
        return now + (retryAfter is { } r && r > backoff ? Cap(r, max) : backoff);
    }

    /// <summary>Spread by up to ±half the given fraction, so that feeds added together do not
    /// stay due in the same minute; kept within the bounds after, where a bound decides.</summary>
    private static TimeSpan Jittered(TimeSpan interval, double fraction, double jitter) =>
        interval + interval * fraction * (jitter - 0.5);

    /// <summary>What a feed or server asks for is honoured up to the upper bound: a ttl of a
    /// year, a CDN's max-age of a year or a Retry-After in 9999 would otherwise stop a feed for
    /// good while it is listed as healthy. Miniflux caps them the same way
    /// (SCHEDULER_ROUND_ROBIN_MAX_INTERVAL).</summary>
    private static TimeSpan Cap(TimeSpan asked, TimeSpan max) => asked > max ? max : asked;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;
}
