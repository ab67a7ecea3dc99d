using Aggregator.Ingestion;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Every tick (at most a minute), hands the feeds that are due to the orchestrator.
/// A thin adapter; the concurrency limits live in the orchestrator.</summary>
[DisallowConcurrentExecution]
public sealed class PollFeedsJob(FeedIngestor ingestor, Retagger retagger, Publishing.WebSubPublisher websub, ClusterMembership cluster,
    IHostApplicationLifetime lifetime, ILogger<PollFeedsJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // Quartz waits for a running job at shutdown without cancelling it: a cycle whose fetches
        // hang on slow hosts would outlast the host's shutdown timeout and die with its feeds still
        // claimed. Stopping abandons the fetches in flight instead (nothing half-written: each
        // feed is stored in one transaction) and releases their claims.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await JobRun.GuardAsync("poll", "Polling", "feeds are polled again at the next tick", logger, async ct =>
        {
            await cluster.KeepInStepAsync(ct);
            if (await retagger.FollowRulesFileAsync(ct) is { Changed: > 0 }) websub.TagsRecomputed();
            await ingestor.PollDueAsync(ct, onceEach: false, landed: websub.ItemsLanded);
        }, stopping.Token);
    }
}
