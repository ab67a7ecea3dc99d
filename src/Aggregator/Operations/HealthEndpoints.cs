using Aggregator.Configuration;
using Aggregator.Storage;
using Dapper;
using Microsoft.Extensions.Options;
using Quartz;

namespace Aggregator.Operations;

/// <summary>/healthz: the process answers (liveness: restart it when this fails).
/// /readyz: the database answers, every migration is applied, and the scheduler runs
/// (readiness: send it traffic, report it healthy). 503 with the failing checks otherwise.</summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", async (IServiceProvider services, CancellationToken ct) =>
        {
            // A database that hangs (a frozen server, a lost network) must not hang the probe:
            // orchestrators time out, and an answer that names the check is worth more.
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(CheckTimeout);
            var checks = await CheckAsync(services, bounded.Token);
            var ready = checks.All(c => c.Ok);
            return Results.Json(new { status = ready ? "ready" : "not ready", checks = checks.ToDictionary(c => c.Name, c => c.Detail) },
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }

    private sealed record Check(string Name, bool Ok, string Detail);

    /// <summary>How long the checks may take together before the ones still waiting fail.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(4);

    private static bool Failure(Exception e, CancellationToken ct) =>
        e is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException or SchedulerException
        || (e is OperationCanceledException && ct.IsCancellationRequested);

    private static string Why(Exception e) => e is OperationCanceledException ? $"no answer within {CheckTimeout.TotalSeconds:0} s" : e.Message;

    private static async Task<List<Check>> CheckAsync(IServiceProvider services, CancellationToken ct)
    {
        var checks = new List<Check>();
        var database = services.GetRequiredService<Database>();
        try
        {
            await using (var connection = await database.OpenAsync(ct))
                await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: ct));
            checks.Add(new Check("database", true, "ok"));
            var applied = await database.AppliedMigrationsAsync(ct);
            var missing = Database.Migrations(database.Provider).Select(m => m.Version).Except(applied).ToList();
            checks.Add(database.NewerThanThisVersion(applied) is { } newer ? new Check("migrations", false, newer)
                : missing.Count == 0 ? new Check("migrations", true, $"{applied.Count} applied")
                : new Check("migrations", false, $"not applied: {string.Join(", ", missing)}"));
        }
        catch (Exception e) when (Failure(e, ct))
        {
            checks.Add(new Check("database", false, Why(e)));
        }

        var options = services.GetRequiredService<IOptions<AggregatorOptions>>().Value;
        if (!options.Scheduling.Enabled)
            checks.Add(new Check("scheduler", true, "disabled by configuration"));
        else if (!options.Cluster.Works)
            checks.Add(new Check("scheduler", true, "none: web role"));
        else
        {
            var running = false;
            foreach (var name in new[] { Scheduling.SchedulingSetup.ClusteredScheduler, Scheduling.SchedulingSetup.LocalScheduler })
            {
                var status = await Scheduling.ClusterMembership.StatusAsync(services.GetKeyedService<IScheduler>(name), ct);
                checks.Add(new Check(name == Scheduling.SchedulingSetup.LocalScheduler ? "poller" : "scheduler", status == SchedulerStatus.Running, status.ToString().ToLowerInvariant()));
                if (name == Scheduling.SchedulingSetup.ClusteredScheduler) running = status is SchedulerStatus.Running or SchedulerStatus.Standby;
            }
            // Informational: what this node believes about the cluster (one node on SQLite), and
            // why its share of the scheduler was shut down when its clock went off.
            if (database.IsPostgres && services.GetKeyedService<IScheduler>(Scheduling.SchedulingSetup.ClusteredScheduler) is { } clustered)
            {
                try
                {
                    var clock = await services.GetRequiredService<Scheduling.ClusterMembership>().ClockProblemAsync(ct);
                    checks.Add(new Check("clock", clock is null, clock ?? "agrees with the database server's"));
                    if (!running) return checks;
                    var nodes = await clustered.QueryClusterNodes(ct);
                    checks.Add(new Check("cluster", true, string.Join(", ", nodes.GroupBy(n => n.State).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))));
                }
                catch (Exception e) when (Failure(e, ct))
                {
                    // The database check above names the cause; the cluster's view is unknown meanwhile.
                    checks.Add(new Check("cluster", false, Why(e)));
                }
            }
        }
        return checks;
    }
}
