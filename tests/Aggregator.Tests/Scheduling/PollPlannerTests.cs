using Aggregator.Scheduling;

namespace Aggregator.Tests.Scheduling;

public sealed class PollPlannerTests
{
    private static readonly DateTime Now = new(2025, 11, 5, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Min = TimeSpan.FromMinutes(5), Max = TimeSpan.FromHours(24);

    [Theory]
    [InlineData(0, 24 * 60)]      // silent feed: the upper bound
    [InlineData(7, 24 * 60)]      // daily: 1 day
    [InlineData(168, 60)]         // hourly: 1 hour
    [InlineData(100_000, 5)]      // firehose: the lower bound
    public void The_interval_follows_how_often_the_feed_publishes(double perWeek, int minutes) =>
        Assert.Equal(Now.AddMinutes(minutes), PollPlanner.AfterSuccess(Now, perWeek, Min, Max, null, null, jitter: 0));

    [Fact]
    public void Never_sooner_than_the_feed_or_the_server_asks()
    {
        Assert.Equal(Now.AddHours(2), PollPlanner.AfterSuccess(Now, 168, Min, Max, TimeSpan.FromHours(2), null, 0));
        Assert.Equal(Now.AddHours(3), PollPlanner.AfterSuccess(Now, 168, Min, Max, TimeSpan.FromHours(2), TimeSpan.FromHours(3), 0));
        Assert.Equal(Now.AddDays(2), PollPlanner.AfterSuccess(Now, 168, Min, Max, TimeSpan.FromDays(2), null, 0)); // above the bound: the feed asked
    }

    [Fact]
    public void Jitter_only_lengthens_and_by_at_most_a_tenth()
    {
        var next = PollPlanner.AfterSuccess(Now, 168, Min, Max, null, null, jitter: 0.999);
        Assert.InRange(next, Now.AddHours(1), Now.AddMinutes(66));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(12, 24 * 60)]
    public void Failures_back_off_exponentially_up_to_the_bound(long errors, int minutes) =>
        Assert.Equal(Now.AddMinutes(minutes), PollPlanner.AfterFailure(Now, errors, Min, Max, null, jitter: 0));

    [Fact]
    public void Retry_after_wins_when_longer()
    {
        Assert.Equal(Now.AddHours(6), PollPlanner.AfterFailure(Now, 1, Min, Max, TimeSpan.FromHours(6), 0));
        Assert.Equal(Now.AddMinutes(5), PollPlanner.AfterFailure(Now, 1, Min, Max, TimeSpan.FromSeconds(30), 0));
    }

    [Fact]
    public void Entries_per_week_counts_the_last_seven_days_only()
    {
        DateTime?[] dates = [Now.AddDays(-1), Now.AddDays(-6), Now.AddDays(-8), null, Now.AddDays(30)];
        Assert.Equal(2, PollPlanner.EntriesPerWeek(dates, Now));
    }
}
