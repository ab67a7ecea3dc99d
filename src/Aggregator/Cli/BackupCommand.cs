using System.CommandLine;
using Aggregator.Storage;
using Dapper;

namespace Aggregator.Cli;

/// <summary>`aggregator backup FILE`: a consistent copy of the SQLite database while the service
/// runs (VACUUM INTO reads one snapshot; WAL lets the service go on writing meanwhile). The
/// runtime image has no sqlite3, so this is how to back up a container's /data.</summary>
public static class BackupCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Where to write the copy (must not exist)" };
        var command = new Command("backup", "Write a consistent copy of the database to FILE, safe while the service runs.") { file };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var target = Path.GetFullPath(result.GetValue(file)!);
            if (File.Exists(target) || Directory.Exists(target))
            {
                await Console.Error.WriteLineAsync(Directory.Exists(target)
                    ? $"backup: {target} is a folder; give the name of a new file in it, such as {Path.Combine(target, $"aggregator-{DateTime.UtcNow:yyyy-MM-dd}.db")}"
                    : $"backup: {target} exists; choose a new file");
                return 2;
            }
            if (!Directory.Exists(Path.GetDirectoryName(target)))
            {
                await Console.Error.WriteLineAsync($"backup: the folder {Path.GetDirectoryName(target)} does not exist; make it first, or choose another");
                return 2;
            }
            var database = services.GetRequiredService<Database>();
            if (database.IsPostgres)
            {
                await Console.Error.WriteLineAsync($"backup: {database.Describe()} is PostgreSQL; back it up with pg_dump (README, \"Backup while it runs\")");
                return 2;
            }
            Database.CreatePrivate(target); // empty, owner-only: VACUUM INTO fills it and keeps its mode
            await using (var connection = await database.OpenAsync(ct))
                await connection.ExecuteAsync(new CommandDefinition("VACUUM INTO @target", new { target }, cancellationToken: ct));
            Console.WriteLine($"wrote {target} ({new FileInfo(target).Length / 1024} KB)");
            return 0;
        }, ct, existing: true));
        return command;
    }
}
