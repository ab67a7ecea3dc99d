using Aggregator.Storage;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>This process as a claimant of work. In the service it is a Quartz node (its instance
/// id names its claims) and the cluster's check-ins say which other nodes are alive; a command
/// (run-once, mail send) runs no scheduler, knows of no nodes, and its claims hold until their
/// lease runs out.</summary>
public sealed class ClusterMembership(IServiceProvider services, Microsoft.Extensions.Options.IOptions<Configuration.AggregatorOptions> options)
{
    /// <summary>How the claims of service nodes on this machine begin; the process id follows.</summary>
    public static string NodePrefix { get; } = $"{Claimant.NodePrefix}{Environment.MachineName}-";

    /// <summary>This process's Quartz instance id: unique per process, so a restarted worker is a
    /// new node. After <see cref="NodePrefix"/>, which it needs initialized first.</summary>
    public static string NodeId { get; } = $"{NodePrefix}{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";

    /// <summary>How the claims of commands on this machine begin; the process id follows.</summary>
    public static string CommandPrefix { get; } = $"cli-{Environment.MachineName}-";

    /// <summary>With a random suffix, as a node's: a container's entrypoint has the same process id
    /// every time, and a command killed there left claims that looked like the next one's.</summary>
    private static string CommandId { get; } = $"{CommandPrefix}{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";

    public async Task<Claimant> ClaimantAsync(CancellationToken ct)
    {
        var scheduler = services.GetKeyedService<IScheduler>(SchedulingSetup.ClusteredScheduler);
        if (scheduler is null || await scheduler.GetStatus(ct) != SchedulerStatus.Running)
            return new Claimant(CommandId, null);
        var nodes = await scheduler.QueryClusterNodes(ct);
        // Three check-ins: a new node has checked in by then, however its start was timed.
        var grace = TimeSpan.FromSeconds(3 * options.Value.Cluster.CheckinIntervalSeconds);
        return new Claimant(NodeId, nodes.Where(n => n.State != ClusterNodeState.Failed).Select(n => n.InstanceId).ToList(), grace);
    }
}
