using Aggregator.Ingestion;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Every tick (at most a minute), hands the feeds that are due to the orchestrator.
/// A thin adapter; the concurrency limits live in the orchestrator.</summary>
[DisallowConcurrentExecution]
public sealed class PollFeedsJob(FeedIngestor ingestor, Publishing.WebSubPublisher websub) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var summary = await ingestor.PollDueAsync(cancellationToken);
        if (summary.Inserted + summary.Updated > 0) websub.ItemsLanded();
    }
}
