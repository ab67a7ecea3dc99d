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
    /// time (a generator's build time, a date without a time) give no rate, only a count. A feed
    /// whose newest entry is dated up to 14 hours ahead of now has a clock that is ahead (a Korean
    /// CMS that labels its local time GMT is nine hours ahead): its dates are moved back by as
    /// much, since the gaps between them are still right. Before, they were left out, and such a
    /// feed publishing every hour was polled once a day. Further ahead is no zone (an event's
    /// date, a typo in the year): that entry alone is left out.</summary>
    public static double EntriesPerWeek(IEnumerable<DateTime?> entryDates, DateTime now) => EntriesPerWeek(RateDates(entryDates, now), now);

    /// <summary>The dates a rate is counted from (see <see cref="EntriesPerWeek(IEnumerable{DateTime?}, DateTime)"/>):
    /// those of dated entries, moved back when the feed's clock is ahead, without those too far
    /// ahead to be a clock's error. Kept with the feed (<see cref="StoredDates"/>), so the rate
    /// can be counted again at a 304, which has no entries to read it from.</summary>
    public static List<DateTime> RateDates(IEnumerable<DateTime?> entryDates, DateTime now)
    {
        var dates = entryDates.OfType<DateTime>().ToList();
        var ahead = dates.Count == 0 ? TimeSpan.Zero : dates.Max() - now;
        var clockAhead = ahead > TimeSpan.FromMinutes(10) && ahead <= TimeSpan.FromHours(14) ? ahead : TimeSpan.Zero;
        return [.. dates.Select(d => d - clockAhead).Where(d => d <= now.AddHours(1))];
    }

    /// <summary>Entries a week, from rate dates (<see cref="RateDates"/>) as of <paramref name="now"/>:
    /// a feed that stops publishing, and answers 304 from then on, slows down as its entries age,
    /// as Miniflux's count of the last week's entries does. Before, a feed kept the rate of its
    /// last change, and one burst of posts had a quiet feed polled every few minutes for good.</summary>
    public static double EntriesPerWeek(IReadOnlyList<DateTime> rateDates, DateTime now)
    {
        var week = now.AddDays(-7);
        var (recent, oldest, newest, older) = (0, DateTime.MaxValue, DateTime.MinValue, false);
        foreach (var date in rateDates)
        {
            if (date > now.AddHours(1)) continue;
            if (date <= week) { older = true; continue; }
            recent++;
            if (date < oldest) oldest = date;
            if (date > newest) newest = date;
        }
        if (older || recent < 3 || newest - oldest < TimeSpan.FromMinutes(1)) return recent;
        var covered = now - oldest < TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : now - oldest;
        return Math.Max(recent, (recent - 1) * (TimeSpan.FromDays(7) / covered));
    }

    /// <summary>Rate dates as stored with the feed: Unix seconds, newest first, the newest
    /// <see cref="StoredDatesKept"/> and the oldest (whether any is older than a week decides how
    /// the rate is counted), so that a feed of thousands of entries keeps a short row.</summary>
    public static string? StoredDates(IReadOnlyList<DateTime> rateDates)
    {
        if (rateDates.Count == 0) return null;
        var newestFirst = rateDates.OrderDescending().ToList();
        var kept = newestFirst.Count <= StoredDatesKept + 1 ? newestFirst : [.. newestFirst.Take(StoredDatesKept), newestFirst[^1]];
        return string.Join(',', kept.Select(d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)).ToUnixTimeSeconds()));
    }

    public const int StoredDatesKept = 100;

    /// <summary>Rate dates from their stored form; null when none were stored (a feed last read
    /// before they were kept, or whose entries carry no dates).</summary>
    public static List<DateTime>? ReadStoredDates(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return null;
        // Read in place: every 304 of a cycle reads its feed's dates, and splitting them into
        // strings first was a tenth of what a cycle of 304s allocated.
        var dates = new List<DateTime>(stored.Length / 11 + 1);
        foreach (var range in stored.AsSpan().Split(','))
            if (long.TryParse(stored.AsSpan(range), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                dates.Add(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime);
        return dates;
    }

    /// <summary>When a feed is polled next, and why then (what `feeds list` shows).</summary>
    public readonly record struct NextPoll(DateTime At, string Why);

    /// <param name="started">When the fetch started: the interval counts from there, so a
    /// feed polled every minute is due again by the next tick rather than the one after.</param>
    /// <param name="now">When the answer came: what the server asks for (max-age, Retry-After) counts from there.</param>
    /// <param name="jitter">A number in [0, 1) from the caller's random source.</param>
    public static NextPoll AfterSuccess(DateTime started, DateTime now, double entriesPerWeek, TimeSpan min, TimeSpan max,
        TimeSpan? feedMinimum, TimeSpan? serverMinimum, double jitter)
    {
        var rate = entriesPerWeek <= 0 ? max : TimeSpan.FromDays(7) / entriesPerWeek;
        var why = entriesPerWeek <= 0 ? "no entry dated in the last week"
            : Rate(entriesPerWeek) + (rate < min ? $"; polled at most every {Duration(min)}" : rate > max ? $"; polled at least every {Duration(max)}" : "");
        var next = started + Jittered(Clamp(rate, min, max), 0.1, jitter, min, max);
        // What the feed or server asks for is honoured, later by up to a tenth, so that feeds
        // asking for the same interval do not all come due in the same minute.
        if (feedMinimum is { } f && started + Asked(f, max, jitter) is var asked && asked > next)
            (next, why) = (asked, $"the feed asks to be polled every {Duration(f)} (ttl or sy:updatePeriod)" + Capped(f, max));
        if (serverMinimum is { } s && now + Asked(s, max, jitter) is var told && told > next)
            (next, why) = (told, $"the server asks for {Duration(s)} (Cache-Control, Expires or Retry-After)" + Capped(s, max));
        return new NextPoll(next, why);
    }

    /// <param name="ceiling">The longest a server's Retry-After is honoured (the configured upper
    /// bound of every feed): a feed's own, shorter upper bound ("at least every 10 minutes") is a
    /// wish of ours, and a server that answered 429 asked for the wait.</param>
    /// <summary>In the reason of a next poll a server's Retry-After set: an edit of the feed's
    /// settings does not bring such a poll forward (Storage.FeedStore.WaitsForServer).</summary>
    public const string RetryAfterMark = "(Retry-After)";

    public static NextPoll AfterFailure(DateTime now, long consecutiveErrors, TimeSpan min, TimeSpan max, TimeSpan? retryAfter, double jitter, TimeSpan? ceiling = null)
    {
        var exponent = Math.Min(Math.Max(consecutiveErrors - 1, 0), 20);
        var backoff = Jittered(Clamp(min * Math.Pow(2, exponent), min, max), 0.2, jitter, min, max);
        var longest = ceiling is { } c && c > max ? c : max;
        return retryAfter is { } r && r > backoff
            ? new NextPoll(now + Asked(r, longest, jitter), $"the server asks to wait {Duration(r)} {RetryAfterMark}" + Capped(r, longest))
            : new NextPoll(now + backoff, $"backing off after {consecutiveErrors} failure(s) in a row");
    }

    /// <summary>A rate as people say it: "publishes about 3 an hour", "… about 2 a day"; under one
    /// a day, what it is counted from: "2 entries dated in the last week" (a monthly feed's one
    /// entry this week is not "about 1 a week").</summary>
    private static string Rate(double perWeek) =>
        perWeek >= 7 * 24 ? FormattableString.Invariant($"publishes about {perWeek / (7 * 24):0.#} an hour")
        : perWeek >= 7 ? FormattableString.Invariant($"publishes about {perWeek / 7:0.#} a day")
        : FormattableString.Invariant($"{perWeek:0.#} {(Math.Round(perWeek, 1) == 1 ? "entry" : "entries")} dated in the last week");

    private static string Capped(TimeSpan asked, TimeSpan max) => asked > max ? $", capped at {Duration(max)}" : "";

    private static string Duration(TimeSpan span) => Fetching.FeedFetcher.Duration(span);

    /// <summary>Spread by up to ±half the given fraction, so that feeds added together do not stay
    /// due in the same minute. Where a bound decides, the spread goes inward (mirrored at the
    /// bound) rather than being clamped away: half of all quiet feeds came due at exactly 24 h.</summary>
    private static TimeSpan Jittered(TimeSpan interval, double fraction, double jitter, TimeSpan min, TimeSpan max)
    {
        var spread = interval + interval * fraction * (jitter - 0.5);
        if (spread > max) spread = max - (spread - max);
        if (spread < min) spread = min + (min - spread);
        return Clamp(spread, min, max);
    }

    /// <summary>How much sooner than its next poll a feed may be claimed: one due within half a
    /// tick is polled on this tick (FeedIngestor.PollDueAsync), at most 30 s early.</summary>
    public static readonly TimeSpan DueEarly = TimeSpan.FromSeconds(30);

    /// <summary>An asked-for wait, capped, later by up to a tenth, and by <see cref="DueEarly"/>, so
    /// that it is never polled sooner than asked (four in ten feeds sending max-age=600 were
    /// polled at 590 s). A wait under the cap stays under it; one at the cap or over it (a ttl
    /// of a day, a CDN's max-age of a year) is spread over the tenth after the cap: every such
    /// feed had come due at exactly 24 h, and feeds imported together stayed due together.</summary>
    private static TimeSpan Asked(TimeSpan asked, TimeSpan max, double jitter)
    {
        var capped = Cap(asked, max);
        var spread = capped + capped * 0.1 * jitter;
        return (capped < max && spread > max ? max : spread) + DueEarly;
    }

    /// <summary>What a feed or server asks for is honoured up to the upper bound: a ttl of a
    /// year, a CDN's max-age of a year or a Retry-After in 9999 would otherwise stop a feed for
    /// good while it is listed as healthy. Miniflux caps them the same way
    /// (SCHEDULER_ROUND_ROBIN_MAX_INTERVAL).</summary>
    private static TimeSpan Cap(TimeSpan asked, TimeSpan max) => asked > max ? max : asked;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;
}
