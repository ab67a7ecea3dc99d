using Aggregator.Scheduling;

namespace Aggregator.Tests.Scheduling;

public sealed class PollPlannerTests
{
    private static readonly DateTime Now = new(2025, 11, 5, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Min = TimeSpan.FromMinutes(5), Max = TimeSpan.FromHours(24);
    private const double NoJitter = 0.5; // the middle of [0, 1): jitter spreads both ways
    private static readonly TimeSpan Early = PollPlanner.DueEarly;

    [Theory]
    [InlineData(0, 24 * 60)]      // silent feed: the upper bound
    [InlineData(7, 24 * 60)]      // daily: 1 day
    [InlineData(168, 60)]         // hourly: 1 hour
    [InlineData(100_000, 5)]      // firehose: the lower bound
    public void The_interval_follows_how_often_the_feed_publishes(double perWeek, int minutes) =>
        Assert.Equal(Now.AddMinutes(minutes), PollPlanner.AfterSuccess(Now, Now, perWeek, Min, Max, null, null, NoJitter).At);

    [Fact]
    public void Never_sooner_than_the_feed_or_the_server_asks_up_to_the_upper_bound()
    {
        // Later by up to a tenth, so that feeds asking for the same interval do not come due
        // together, and by the 30 s a feed may be claimed early, so that it is never polled sooner.
        Assert.Equal(Now.AddHours(2) + Early, PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromHours(2), null, jitter: 0).At);
        Assert.InRange(PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromHours(2), null, jitter: 0.999).At, Now.AddHours(2.19) + Early, Now.AddHours(2.2) + Early);
        Assert.Equal(Now.AddHours(3) + Early, PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromHours(2), TimeSpan.FromHours(3), jitter: 0).At);
        Assert.Equal(Now.AddMinutes(10) + Early, PollPlanner.AfterSuccess(Now, Now, 100_000, Min, Max, null, TimeSpan.FromMinutes(10), jitter: 0).At); // max-age=600: not at 590 s
        // A ttl of two days, a CDN's max-age of a year: the upper bound holds, spread over the tenth after it.
        Assert.Equal(Now.AddDays(1), PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromDays(2), null, jitter: 0).At - Early);
        Assert.Equal(Now + Max + Max * 0.05 + Early, PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromDays(2), null, NoJitter).At);
        Assert.Equal(Now + Max + Max * 0.05 + Early, PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromDays(1), null, NoJitter).At); // ttl 1440: not all at exactly 24 h
        Assert.Equal(Now + Max + Max * 0.05 + Early, PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, null, TimeSpan.FromDays(365), NoJitter).At);
        Assert.Equal(Now + Max + Max * 0.05 + Early, PollPlanner.AfterFailure(Now, 1, Min, Max, TimeSpan.FromDays(3650), NoJitter).At);
        // Under the cap it stays under it.
        Assert.Equal(Now.AddHours(24) + Early, PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromHours(23), null, jitter: 0.999).At);
    }

    /// <summary>A feed's own upper bound ("at least every 10 minutes") is our wish; a server that
    /// answered 429 with Retry-After asked for its wait, honoured up to the configured ceiling.</summary>
    [Fact]
    public void A_retry_after_is_honoured_past_a_feed_s_own_upper_bound_up_to_the_ceiling()
    {
        var tenMinutes = TimeSpan.FromMinutes(10);
        Assert.Equal(Now.AddHours(2) + Early, PollPlanner.AfterFailure(Now, 1, Min, tenMinutes, TimeSpan.FromHours(2), jitter: 0, ceiling: Max).At);
        Assert.Equal(Now.AddDays(1) + Early, PollPlanner.AfterFailure(Now, 1, Min, tenMinutes, TimeSpan.FromDays(30), jitter: 0, ceiling: Max).At);
    }

    [Fact]
    public void The_interval_counts_from_the_start_of_the_fetch_and_what_the_server_asks_from_its_answer()
    {
        var answered = Now.AddSeconds(20);
        Assert.Equal(Now.AddHours(1), PollPlanner.AfterSuccess(Now, answered, 168, Min, Max, null, null, NoJitter).At);
        Assert.Equal(answered.AddHours(2) + Early, PollPlanner.AfterSuccess(Now, answered, 168, Min, Max, null, TimeSpan.FromHours(2), jitter: 0).At);
    }

    [Fact]
    public void Jitter_spreads_by_a_twentieth_either_way_and_never_past_a_bound()
    {
        Assert.InRange(PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, null, null, jitter: 0.999).At, Now.AddMinutes(62.9), Now.AddMinutes(63));
        Assert.InRange(PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, null, null, jitter: 0).At, Now.AddMinutes(57), Now.AddMinutes(57));
        // At a bound the spread goes inward, not clamped away (half of all quiet feeds came due at exactly 24 h).
        Assert.InRange(PollPlanner.AfterSuccess(Now, Now, 0, Min, Max, null, null, jitter: 0.999).At, Now.AddHours(22.8), Now.AddHours(22.81));
        Assert.InRange(PollPlanner.AfterSuccess(Now, Now, 0, Min, Max, null, null, jitter: 0).At, Now.AddHours(22.8), Now.AddHours(22.81));
        Assert.Equal(Now.AddHours(24), PollPlanner.AfterSuccess(Now, Now, 0, Min, Max, null, null, NoJitter).At); // never past it
        Assert.InRange(PollPlanner.AfterSuccess(Now, Now, 100_000, Min, Max, null, null, jitter: 0).At, Now.AddMinutes(5.25), Now.AddMinutes(5.25));
        var oneMinute = TimeSpan.FromMinutes(1);
        Assert.Equal(Now.AddMinutes(1), PollPlanner.AfterSuccess(Now, Now, 100_000, oneMinute, oneMinute, null, null, jitter: 0.999).At);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(12, 24 * 60)]
    public void Failures_back_off_exponentially_up_to_the_bound(long errors, int minutes) =>
        Assert.Equal(Now.AddMinutes(minutes), PollPlanner.AfterFailure(Now, errors, Min, Max, null, NoJitter).At);

    [Fact]
    public void Retry_after_wins_when_longer()
    {
        Assert.Equal(Now.AddHours(6) + Early, PollPlanner.AfterFailure(Now, 1, Min, Max, TimeSpan.FromHours(6), jitter: 0).At);
        Assert.Equal(Now.AddMinutes(5), PollPlanner.AfterFailure(Now, 1, Min, Max, TimeSpan.FromSeconds(30), NoJitter).At);
    }

    [Fact]
    public void Entries_per_week_counts_the_last_seven_days_of_a_feed_that_shows_more_than_a_week()
    {
        DateTime?[] dates = [Now.AddDays(-1), Now.AddDays(-6), Now.AddDays(-8), null, Now.AddDays(30)];
        Assert.Equal(2, PollPlanner.EntriesPerWeek(dates, Now));
    }

    [Fact]
    public void A_feed_that_shows_only_its_latest_entries_is_as_busy_as_the_time_they_cover_says()
    {
        // 20 entries over the last 4.8 hours: 100 a day, though the document holds only 20.
        var latest = Enumerable.Range(0, 20).Select(i => (DateTime?)Now.AddHours(-4.8 * i / 19)).ToList();
        Assert.Equal(665, PollPlanner.EntriesPerWeek(latest, Now), precision: 6); // 19 gaps in 4.8 hours
        // One fresh post is not a rate; nor are entries that all carry one time (a build time, a date alone).
        Assert.Equal(1, PollPlanner.EntriesPerWeek([Now.AddMinutes(-10)], Now));
        Assert.Equal(20, PollPlanner.EntriesPerWeek(Enumerable.Repeat((DateTime?)Now, 20), Now));
        Assert.Equal(3, PollPlanner.EntriesPerWeek(Enumerable.Repeat((DateTime?)Now.Date, 3), Now));
        // Three a day apart, the newest now: one a day.
        Assert.Equal(7, PollPlanner.EntriesPerWeek([Now, Now.AddDays(-1), Now.AddDays(-2)], Now), precision: 6);
    }

    /// <summary>A Korean CMS labelling its local time GMT dates every entry nine hours ahead: the
    /// gaps still say hourly. An entry years ahead (a typo in the year) is no zone: left out alone.</summary>
    [Fact]
    public void A_feed_whose_clock_is_hours_ahead_is_as_busy_as_its_gaps_say()
    {
        var kst = Enumerable.Range(0, 10).Select(i => (DateTime?)Now.AddHours(9 - i)).ToList();
        var utc = Enumerable.Range(0, 10).Select(i => (DateTime?)Now.AddHours(-i)).ToList();
        Assert.Equal(PollPlanner.EntriesPerWeek(utc, Now), PollPlanner.EntriesPerWeek(kst, Now), precision: 6);
        Assert.Equal(PollPlanner.EntriesPerWeek(utc, Now), PollPlanner.EntriesPerWeek([.. utc, Now.AddYears(37)], Now), precision: 6);
    }

    /// <summary>A 304 has no entries: the rate is counted again from the dates kept at the last
    /// full fetch, as of now. A burst of 20 posts in five hours, then nothing: hourly-ish at
    /// first, a week later no rate at all (the upper bound), as Miniflux's weekly count does.</summary>
    [Fact]
    public void The_rate_counted_again_from_stored_dates_falls_as_the_entries_age()
    {
        var burst = Enumerable.Range(0, 20).Select(i => (DateTime?)Now.AddHours(-5.0 * i / 19)).ToList();
        var stored = PollPlanner.StoredDates(PollPlanner.RateDates(burst, Now));
        var dates = PollPlanner.ReadStoredDates(stored)!;

        Assert.Equal(PollPlanner.EntriesPerWeek(burst, Now), PollPlanner.EntriesPerWeek(dates, Now), precision: 6);
        Assert.Equal(19 * 7 / (3 + 5 / 24.0), PollPlanner.EntriesPerWeek(dates, Now.AddDays(3)), precision: 6); // 19 gaps in the 3 days 5 hours since the oldest
        Assert.Equal(0, PollPlanner.EntriesPerWeek(dates, Now.AddDays(8)));
        Assert.Equal(Now.AddDays(8).AddHours(24), PollPlanner.AfterSuccess(Now.AddDays(8), Now.AddDays(8), PollPlanner.EntriesPerWeek(dates, Now.AddDays(8)), Min, Max, null, null, NoJitter).At);
        Assert.Null(PollPlanner.ReadStoredDates(null));
        Assert.Null(PollPlanner.StoredDates([]));
    }

    [Fact]
    public void Stored_dates_keep_the_newest_hundred_and_the_oldest()
    {
        var many = Enumerable.Range(0, 500).Select(i => (DateTime?)Now.AddMinutes(-30 * i)).ToList(); // ten days of posts every half hour
        var dates = PollPlanner.ReadStoredDates(PollPlanner.StoredDates(PollPlanner.RateDates(many, Now)))!;

        Assert.Equal(PollPlanner.StoredDatesKept + 1, dates.Count);
        Assert.Equal(Now, dates[0]);
        Assert.Equal(Now.AddMinutes(-30 * 499), dates[^1]); // older than a week: the rate is a count of the week's
        Assert.Equal(PollPlanner.StoredDatesKept, PollPlanner.EntriesPerWeek(dates, Now));
    }

    [Fact]
    public void Dates_ahead_by_a_clock_error_are_stored_moved_back_and_those_far_ahead_not_at_all()
    {
        var kst = Enumerable.Range(0, 5).Select(i => (DateTime?)Now.AddHours(9 - i)).ToList();
        Assert.Equal([.. kst.Select(d => d!.Value.AddHours(-9))], PollPlanner.RateDates(kst, Now));
        Assert.Equal([Now.AddHours(-1)], PollPlanner.RateDates([Now.AddHours(-1), Now.AddYears(37)], Now));
    }

    /// <summary>`feeds list` says why a next poll is when it is.</summary>
    [Fact]
    public void Each_next_poll_says_why_then()
    {
        Assert.Equal("publishes about 1 an hour", PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, null, null, NoJitter).Why);
        Assert.Equal("publishes about 2 a day", PollPlanner.AfterSuccess(Now, Now, 14, Min, Max, null, null, NoJitter).Why);
        Assert.Equal("publishes about 595.2 an hour; polled at most every 5 min", PollPlanner.AfterSuccess(Now, Now, 100_000, Min, Max, null, null, NoJitter).Why);
        Assert.Equal("1 entry dated in the last week; polled at least every 24 h", PollPlanner.AfterSuccess(Now, Now, 1, Min, Max, null, null, NoJitter).Why);
        Assert.Equal("no entry dated in the last week", PollPlanner.AfterSuccess(Now, Now, 0, Min, Max, null, null, NoJitter).Why);
        Assert.Equal("the feed asks to be polled every 2 h (ttl or sy:updatePeriod)", PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromHours(2), null, NoJitter).Why);
        Assert.Equal("the feed asks to be polled every 2 days (ttl or sy:updatePeriod), capped at 24 h", PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromDays(2), null, NoJitter).Why);
        Assert.Equal("the server asks for 3 h (Cache-Control, Expires or Retry-After)", PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromHours(2), TimeSpan.FromHours(3), NoJitter).Why);
        Assert.Equal("publishes about 1 an hour", PollPlanner.AfterSuccess(Now, Now, 168, Min, Max, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), NoJitter).Why); // asked for less than the rate gives
        Assert.Equal("backing off after 3 failure(s) in a row", PollPlanner.AfterFailure(Now, 3, Min, Max, null, NoJitter).Why);
        Assert.Equal("the server asks to wait 2 h (Retry-After)", PollPlanner.AfterFailure(Now, 1, Min, Max, TimeSpan.FromHours(2), NoJitter).Why);
    }
}
