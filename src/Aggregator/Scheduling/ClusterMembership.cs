using Aggregator.Storage;
using Dapper;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>This process as a claimant of work. In the service it is a Quartz node (its instance
/// id names its claims) and the cluster's check-ins say which other nodes are alive; a command
/// (run-once, mail send) runs no scheduler, knows of no nodes, and its claims hold until their
/// lease runs out.</summary>
public sealed class ClusterMembership(IServiceProvider services, Microsoft.Extensions.Options.IOptions<Configuration.AggregatorOptions> options,
    Database database, TimeProvider time, ILogger<ClusterMembership> logger)
{
    /// <summary>The last comparison with the database server's clock, replaced whole (the probe
    /// and the poll tick read it from different threads).</summary>
    private sealed record ClockReading(DateTime Measured, TimeSpan Skew);

    private ClockReading? _clock;
    private string? _idleSaid;

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
        var node = await StatusAsync(scheduler, ct) is SchedulerStatus.Running or SchedulerStatus.Standby;
        // Before anything else: a node (or a command) whose clock is off writes nothing its clock
        // dates (claims, next polls of the feeds it would subscribe) that the others go by.
        if (await ClockProblemAsync(ct) is { } problem)
        {
            if (Interlocked.Exchange(ref _idleSaid, problem) is null)
                logger.LogError("This {Kind} claims no feeds and no mail: {Problem}", node ? "node" : "process", problem);
            return new Claimant(node ? NodeId : CommandId, [], Idle: problem);
        }
        if (Interlocked.Exchange(ref _idleSaid, null) is not null)
            logger.LogInformation("This node's clock agrees with the database's again; it claims work again");
        if (!node || scheduler is null) return new Claimant(CommandId, null);
        var nodes = await scheduler.QueryClusterNodes(ct);
        // Three check-ins: a new node has checked in by then, however its start was timed.
        var grace = TimeSpan.FromSeconds(3 * options.Value.Cluster.CheckinIntervalSeconds);
        return new Claimant(NodeId, nodes.Where(n => n.State != ClusterNodeState.Failed).Select(n => n.InstanceId).ToList(), grace);
    }

    /// <summary>Each poll tick: once this node's clock is off, its share of the cluster's
    /// scheduler (document imports, mail ticks, digests) is shut down, so the other nodes fire
    /// those. Shut down, not standing by: Quartz's check-ins go on in standby, stamped with the
    /// wrong clock, and the node declared the others dead and had their work done again. It
    /// takes part again once restarted with a clock that agrees (`serve` refuses to start
    /// before then); its feed polls resume by themselves (ClaimantAsync).</summary>
    public async Task KeepInStepAsync(CancellationToken ct)
    {
        if (services.GetKeyedService<IScheduler>(SchedulingSetup.ClusteredScheduler) is not { } scheduler) return;
        if (await ClockProblemAsync(ct) is { } problem && await StatusAsync(scheduler, ct) == SchedulerStatus.Running)
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, ct);
            logger.LogError("Imports, mail and digests are stopped on this node until it is restarted with a clock that agrees: {Problem}", problem);
        }
    }

    /// <summary>A scheduler's status; one shut down (this node's clock went off) may answer with
    /// an exception instead, and /readyz failed with it.</summary>
    public static async Task<SchedulerStatus> StatusAsync(IScheduler? scheduler, CancellationToken ct)
    {
        if (scheduler is null) return SchedulerStatus.Shutdown;
        try { return await scheduler.GetStatus(ct); }
        catch (SchedulerException) { return SchedulerStatus.Shutdown; }
    }

    /// <summary>The clock difference a cluster node tolerates: half a check-in interval. Quartz
    /// judges nodes alive by check-ins stamped with each node's own clock, so a node ahead of the
    /// others by more believed them dead and took over their feeds (fetched twice), and one behind
    /// was believed dead by them.</summary>
    public TimeSpan MaxClockSkew => TimeSpan.FromSeconds(options.Value.Cluster.CheckinIntervalSeconds / 2);

    /// <summary>Why this node must not claim work (its clock differs from the database server's
    /// by more than <see cref="MaxClockSkew"/>), or null. Only nodes sharing PostgreSQL are
    /// judged; measured at most every 30 s.</summary>
    public async Task<string?> ClockProblemAsync(CancellationToken ct)
    {
        if (!database.IsPostgres) return null;
        var now = time.GetUtcNow().UtcDateTime;
        var known = _clock;
        if (known is null || now - known.Measured > TimeSpan.FromSeconds(30))
        {
            await using var connection = await database.OpenAsync(ct);
            var before = time.GetUtcNow().UtcDateTime;
            var server = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("SELECT clock_timestamp()", cancellationToken: ct));
            var after = time.GetUtcNow().UtcDateTime;
            known = new ClockReading(after, before + (after - before) / 2 - server.ToUniversalTime());
            _clock = known;
        }
        return known.Skew.Duration() <= MaxClockSkew ? null
            : $"its clock is {known.Skew.Duration().TotalSeconds:0.#} s {(known.Skew > TimeSpan.Zero ? "ahead of" : "behind")} the database server's (at most {MaxClockSkew.TotalSeconds:0.##} s); nodes of a cluster need synchronized clocks (NTP)";
    }
}
