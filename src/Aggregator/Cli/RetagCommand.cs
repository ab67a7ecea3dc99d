using System.CommandLine;
using Aggregator.Ingestion;

namespace Aggregator.Cli;

/// <summary>`retag`: recompute every stored item's tags from its stored text.</summary>
public static class RetagCommand
{
    public static Command Create()
    {
        var command = new Command("retag", "Recompute the tags of every stored item with the current topic rules (the service does this by itself at start when the rules' version changed).");
        command.SetAction(async (result, ct) =>
        {
            var (services, exit) = await CommandServices.StartAsync(result, ct, existing: true);
            if (services is null) return exit;
            await using (services)
            {
                var summary = await services.GetRequiredService<Retagger>().RetagAllAsync(ct);
                Console.WriteLine($"{summary.Items} item(s) retagged with rules {summary.Version}: {summary.Changed} changed");
                if (summary.Changed > 0 && await services.GetRequiredService<Publishing.WebSubPublisher>().PublishEveryTagAsync(ct) is { Count: > 0 } pinged)
                    Console.WriteLine($"WebSub: the hub was told about {pinged.Count} feed(s)");
                return 0;
            }
        });
        return command;
    }
}
