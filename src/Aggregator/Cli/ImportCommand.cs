using System.CommandLine;
using Aggregator.Ingestion;
using Aggregator.Sources;
using Spectre.Console;

namespace Aggregator.Cli;

public static class ImportCommand
{
    /// <summary>Below this many files a progress bar is more noise than help.</summary>
    private const int ProgressThreshold = 20;

    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Document files or folders (.txt, .md, .html)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Import document files or folders now.") { paths };
        command.SetAction(async (result, ct) =>
        {
            var (services, exit) = await CommandServices.StartAsync(result, ct);
            if (services is null) return exit;
            await using (services)
            {
                var ingestor = services.GetRequiredService<DocumentIngestor>();
                var targets = result.GetValue(paths)!;
                var total = targets.Sum(p => File.Exists(p) ? 1 : Directory.Exists(p) ? DocumentFolder.Enumerate(p).Count : 0);
                ImportSummary summary;
                if (total >= ProgressThreshold && AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
                {
                    summary = await AnsiConsole.Progress().StartAsync(async context =>
                    {
                        var task = context.AddTask("Importing", maxValue: total);
                        return await ingestor.ImportAsync(targets, new Progress<int>(n => task.Value = n), ct);
                    });
                }
                else
                {
                    summary = await ingestor.ImportAsync(targets, null, ct);
                }
                return Print(summary);
            }
        });
        return command;
    }

    /// <summary>The summary on stdout, each failure on stderr; exit code 1 when any document failed.</summary>
    public static int Print(ImportSummary summary)
    {
        Console.WriteLine(summary);
        foreach (var failure in summary.Failures)
            Console.Error.WriteLine($"failed: {failure.Locator}: {failure.Error}");
        return summary.Failures.Count == 0 ? 0 : 1;
    }
}
