using Aggregator.Ingestion;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Every tick (at most a minute), hands the feeds that are due to the orchestrator.
/// A thin adapter; the concurrency limits live in the orchestrator.</summary>
[DisallowConcurrentExecution]
public sealed class PollFeedsJob(FeedIngestor ingestor, Publishing.WebSubPublisher websub, IHostApplicationLifetime lifetime) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // Quartz waits for a running job at shutdown without cancelling it: a cycle whose fetches
        // hang on slow hosts would outlast the host's shutdown timeout and die with its feeds still
        // claimed. Stopping abandons the fetches in flight instead (nothing half-written: each
        // feed is stored in one transaction) and releases their claims.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            var summary = await ingestor.PollDueAsync(stopping.Token, onceEach: false);
            if (summary.Inserted + summary.Updated > 0) websub.ItemsLanded();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The service is stopping: the cycle was abandoned on purpose, not failed.
        }
    }
}
