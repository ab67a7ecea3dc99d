using Aggregator.Storage;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Indexes for search what was stored or edited since the last run: at start, then
/// every Aggregator:Scheduling:SearchIndexSeconds (a minute), once for the whole deployment (the
/// clustered scheduler). Until then searches read those items whole; nothing they find depends
/// on it (Storage/SearchIndex).</summary>
[DisallowConcurrentExecution]
public sealed class IndexSearchJob(SearchIndex index, ILogger<IndexSearchJob> logger) : IJob
{
    public static readonly JobKey Key = new("index-search");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobRun.GuardAsync("search", "Indexing for search", "searches read the items not indexed yet whole, and the next run indexes them", logger, async ct =>
        {
            var started = TimeProvider.System.GetTimestamp();
            if (await index.CatchUpAsync(ct) is var indexed and > 0)
                logger.LogInformation("{Count} item(s) indexed for search in {Seconds:F1} s", indexed, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
        }, cancellationToken);
}
