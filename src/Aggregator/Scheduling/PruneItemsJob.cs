using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Removes the stories Aggregator:Retention lets go (Storage/ItemRemoval): at start, then
/// hourly, once for the whole deployment (the clustered scheduler). Scheduled only when
/// Retention:Days is set, which every node of a cluster must share.</summary>
[DisallowConcurrentExecution]
public sealed class PruneItemsJob(ItemRemoval removal, IOptions<AggregatorOptions> options, TimeProvider clock, ILogger<PruneItemsJob> logger) : IJob
{
    public static readonly JobKey Key = new("prune-items");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobRun.GuardAsync("retention", "Removing old stories", "what was removed stays removed, and the next run goes on", logger, async ct =>
        {
            var retention = options.Value.Retention;
            if (retention.Days <= 0)
            {
                // Retention turned off since this job was scheduled: on PostgreSQL the clustered
                // store keeps jobs across restarts, and with Days 0 the cutoff would be now.
                logger.LogInformation("Retention is off (Aggregator:Retention:Days is 0): the hourly removal job is deleted");
                await context.Scheduler.DeleteJob(Key, ct);
                return;
            }
            if (await removal.PruneAsync(retention.Cutoff(clock.GetUtcNow().UtcDateTime), retention.KeepTagged, ct) is var removed and > 0)
                logger.LogInformation("{Count} item(s) of stories untouched for more than {Days} days removed (Aggregator:Retention)", removed, retention.Days);
        }, cancellationToken);
}
