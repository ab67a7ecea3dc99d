using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Publishing;
using Microsoft.Extensions.Options;

namespace Aggregator.Cli;

/// <summary>`aggregator export --out DIR [--base-url URL]`: the feeds and pages as static files.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the site into (created when missing)", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "Where the files will be served from, e.g. https://example.org/korea-china/ (default: Aggregator:Publishing:BaseUrl)" };
        var command = new Command("export", "Write every feed (Atom, RSS, JSON Feed; all and per tag, every page), the river pages and the OPML list as static files.") { output, baseUrl };
        command.SetAction(async (result, ct) =>
        {
            var (services, exit) = await CommandServices.StartAsync(result, ct, existing: true);
            if (services is null) return exit;
            await using (services)
            {
                var configured = services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Publishing.BaseUrl;
                var url = result.GetValue(baseUrl) ?? configured;
                if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
                {
                    await Console.Error.WriteLineAsync("error: export needs an absolute http(s) --base-url (or Aggregator:Publishing:BaseUrl): feeds carry absolute self links.");
                    return CommandServices.ConfigurationError;
                }
                var directory = result.GetValue(output)!.FullName;
                var summary = await new StaticExport(
                    services.GetRequiredService<FeedRenderer>(), services.GetRequiredService<PageRenderer>(), services.GetRequiredService<Storage.ItemQueries>())
                    .WriteAsync(directory, root, ct);
                Console.WriteLine($"Wrote {summary.Files} file(s), {summary.Bytes:N0} bytes, to {directory} for {root}");
                return 0;
            }
        });
        return command;
    }
}
