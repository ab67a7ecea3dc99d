using Dapper;

namespace Aggregator.Storage;

/// <summary>Who takes work (a due feed, a queued message): a cluster node named by its Quartz
/// instance id, with the nodes the cluster believes alive; or a command, which knows of none.</summary>
/// <param name="Grace">A claim younger than this is never judged by its node's liveness: a node
/// that just started may claim before its first check-in reaches the others.</param>
/// <param name="Idle">Why this claimant must take no work now (a cluster node whose clock is off), or null.</param>
public sealed record Claimant(string Id, IReadOnlyList<string>? LiveNodes, TimeSpan Grace = default, string? Idle = null)
{
    public const string NodePrefix = "node-";
}

/// <summary>The SQL shared by the claims on feeds and on the outbox.</summary>
public static class Claims
{
    /// <summary>A row is free when unclaimed or its lease ran out, or when a cluster node claimed
    /// it (longer ago than its grace period) that the cluster no longer lists alive: Quartz
    /// declares a node dead once it misses its check-ins, and its work is taken over at once.</summary>
    public static string Takeover(Database database, Claimant claimant) => claimant.LiveNodes is null
        ? "(claimed_until IS NULL OR claimed_until < @claimNow)"
        : $"""
          (claimed_until IS NULL OR claimed_until < @claimNow
           OR (claimed_by LIKE '{Claimant.NodePrefix}%' AND claimed_until < @graceUntil AND NOT ({Dialect.InList(database.IsPostgres, "claimed_by", "live")})))
          """;

    /// <summary>PostgreSQL: rows another instance is claiming right now are passed over.</summary>
    public static string SkipLocked(Database database) => database.IsPostgres ? "FOR UPDATE SKIP LOCKED" : "";

    public static DynamicParameters Parameters(Claimant claimant, DateTime now, TimeSpan lease, object more)
    {
        var parameters = new DynamicParameters(more);
        parameters.Add("me", claimant.Id);
        parameters.Add("until", now + lease);
        parameters.Add("claimNow", now);
        // claimed_until = claim time + lease; older than the grace period means before now - grace.
        parameters.Add("graceUntil", now + lease - claimant.Grace);
        if (claimant.LiveNodes is { } live)
            parameters.Add("live", live.ToArray());
        return parameters;
    }
}
