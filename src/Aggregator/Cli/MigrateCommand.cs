using System.CommandLine;
using Aggregator.Storage;

namespace Aggregator.Cli;

/// <summary>`aggregator migrate [--check]`: brings the configured database's schema up to date
/// (every command and the service do that too; this is the step for a deployment that wants
/// it done once, before new instances start), or with --check only reports what is pending.
/// Quartz's own tables are created by the first worker that starts.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var check = new Option<bool>("--check") { Description = "Apply nothing; exit 1 when migrations are pending" };
        var command = new Command("migrate", "Apply the database migrations of the configured provider.") { check };
        command.SetAction(async (result, ct) =>
        {
            var (services, exit) = await CommandServices.StartAsync(result, ct, migrate: false);
            if (services is null) return exit;
            await using (services)
            {
                var database = services.GetRequiredService<Database>();
                var known = Database.Migrations(database.Provider);
                IReadOnlyList<long> applied;
                try
                {
                    applied = await database.AppliedMigrationsAsync(ct);
                }
                catch (System.Data.Common.DbException e) when (IsMissingTable(e))
                {
                    applied = []; // a new database
                }
                catch (System.Data.Common.DbException e)
                {
                    await Console.Error.WriteLineAsync($"error: cannot use the database {database.Describe()}: {e.Message}");
                    return 1;
                }
                if (database.NewerThanThisVersion(applied) is { } newer)
                {
                    await Console.Error.WriteLineAsync($"error: {newer}");
                    return 1;
                }
                var pending = known.Where(m => !applied.Contains(m.Version)).ToList();
                Console.WriteLine($"{database.Describe()} ({database.Provider}): {applied.Count} applied, {pending.Count} pending");
                foreach (var m in pending) Console.WriteLine($"  pending {m.Name}");
                if (result.GetValue(check)) return pending.Count == 0 ? 0 : 1;
                var done = await database.MigrateAsync(ct);
                foreach (var name in done) Console.WriteLine($"  applied {name}");
                if (done.Count < pending.Count) Console.WriteLine($"  {pending.Count - done.Count} applied meanwhile by another process");
                return 0;
            }
        });
        return command;
    }

    private static bool IsMissingTable(System.Data.Common.DbException e) =>
        e is Npgsql.PostgresException { SqlState: "42P01" } || e.Message.Contains("no such table", StringComparison.Ordinal);
}
