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
        try
        {
            await cluster.KeepInStepAsync(stopping.Token);
            if (await retagger.FollowRulesFileAsync(stopping.Token) is { Changed: > 0 }) websub.TagsRecomputed();
            await ingestor.PollDueAsync(stopping.Token, onceEach: false, landed: websub.ItemsLanded);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The service is stopping: the cycle was abandoned on purpose, not failed.
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            // Another process holds the database's write lock (a backup, a sqlite3 shell): what was
            // fetched is stored once it lets go, the rest is polled at the next tick. Said once
            // a tick, plainly, not as an unhandled job exception with its stack.
            logger.LogWarning("Polling waited more than 30 s for the database, which another process keeps locked ({Reason}); trying again at the next tick", e.Message);
        }
        catch (Exception e) when (Storage.Database.IsUnavailable(e))
        {
            // Full, read-only, unreachable: the cycle stopped at its first failed write (nothing
            // half-written), and the next tick tries again. Said once a tick, without a stack.
            logger.LogError("Polling stopped: the database failed ({Reason}); feeds are polled again at the next tick", e.Message);
        }
    }
}
