using System.CommandLine;
using Aggregator.Ingestion;

namespace Aggregator.Cli;

public static class RunOnceCommand
{
    public static Command Create()
    {
        var command = new Command("run-once", "Run one full cycle (import the document folders), then exit. For cron and tests.");
        command.SetAction(async (result, ct) =>
        {
            var (services, exit) = await CommandServices.StartAsync(result, ct);
            if (services is null) return exit;
            await using (services)
            {
                var summary = await services.GetRequiredService<DocumentIngestor>().ImportConfiguredAsync(ct);
                return ImportCommand.Print(summary);
            }
        });
        return command;
    }
}
