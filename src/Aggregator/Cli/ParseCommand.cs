using System.CommandLine;
using System.Text;
using System.Text.Json;
using Aggregator.Fetching;
using Aggregator.Parsing.Feeds;

namespace Aggregator.Cli;

public static class ParseCommand
{
    public static Command Create()
    {
        var source = new Argument<string?>("FILE|URL|DIR") { Description = "A feed file, a feed URL, or with --jsonl a folder of feeds", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print one JSON object in the schema of the conformance corpus" };
        var jsonl = new Option<string?>("--jsonl") { Description = "Parse every file under DIR and write one JSON line per file to this path" };
        var command = new Command("parse", "Parse a feed file or URL and print what was read (or why it could not be).") { source, json, jsonl };
        command.SetAction(async (result, ct) =>
        {
            var target = result.GetValue(source);
            if (target is null)
            {
                await Console.Error.WriteLineAsync("parse: give a FILE, a URL, or --jsonl OUT.jsonl DIR");
                return 2;
            }
            if (result.GetValue(jsonl) is { } output)
                return await ParseFolderAsync(target, output, ct);
            FeedParseResult parsed;
            if (Uri.TryCreate(target, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            {
                if (await FetchAsync(result, url, ct) is not { } fetched) return CommandServices.ConfigurationError;
                if (fetched.Outcome != FetchOutcome.Ok)
                {
                    // Fetched as a poll would be (limits, codings, redirects): a 404 is a 404, not bad XML.
                    await Console.Error.WriteLineAsync($"{url.AbsoluteUri}: {fetched.Error ?? "HTTP " + fetched.Status}");
                    return 1;
                }
                parsed = FeedParser.Parse(fetched.Body!, fetched.FinalUrl, fetched.Charset);
            }
            else if (File.Exists(target))
                parsed = FeedParser.Parse(await File.ReadAllBytesAsync(target, ct));
            else
            {
                await Console.Error.WriteLineAsync($"parse: {target} is neither a file nor an http(s) URL");
                return 2;
            }
            if (result.GetValue(json))
            {
                await using var stdout = Console.OpenStandardOutput();
                await using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                ConformanceRecord.Write(w, target, parsed);
            }
            else
            {
                Console.WriteLine(Describe(parsed));
            }
            // A document broken before its first entry is what a poll counts as a failure: so here.
            return parsed.Feed is null or { Entries.Count: 0, BrokenAt: not null } ? 1 : 0;
        });
        return command;
    }

    private static async Task<int> ParseFolderAsync(string folder, string output, CancellationToken ct)
    {
        var root = Path.GetFullPath(folder);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        await using var stream = File.Create(output);
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            FeedParseResult parsed;
            try
            {
                parsed = FeedParser.Parse(await File.ReadAllBytesAsync(file, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A crash is a bug; record it and go on so the whole corpus is still scored.
                parsed = FeedParseResult.Failed($"crash: {e.GetType().Name}: {e.Message}");
                await Console.Error.WriteLineAsync($"{relative}: {parsed.Error}");
            }
            using (var w = new Utf8JsonWriter(stream, options))
                ConformanceRecord.Write(w, relative, parsed);
            stream.WriteByte((byte)'\n');
        }
        Console.WriteLine($"{files.Count} file(s) parsed into {output}");
        return 0;
    }

    /// <summary>One fetch with the configured limits; null when the configuration is broken (reported).</summary>
    private static async Task<FetchResult?> FetchAsync(ParseResult result, Uri url, CancellationToken ct)
    {
        var builder = new ConfigurationBuilder().AddEnvironmentVariables();
        AppServices.AddConfigFile(builder, GlobalOptions.Paths(result));
        var (options, problems) = AppServices.Validate(builder.Build());
        if (!CommandServices.Report(problems) || options is null) return null;
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(options))
            .AddSingleton<FeedFetcher>();
        FeedFetcher.Configure(services, options.Fetching);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<FeedFetcher>().FetchAsync(url, null, null, ct);
    }

    private static string Describe(FeedParseResult parsed)
    {
        if (parsed.Feed is not { } feed)
            return "error: " + parsed.Error;
        var sb = new StringBuilder();
        sb.AppendLine($"{feed.Format}: {feed.Title?.Plain} <{feed.Link}> {feed.Entries.Count} entries" + (feed.Bozo ? " (recovered: " + string.Join("; ", feed.Problems) + ")" : ""));
        foreach (var e in feed.Entries)
            sb.AppendLine($"- {e.Published?.ToString("yyyy-MM-dd HH:mm") ?? "(no date)"}  {e.Title?.Plain}  <{e.Link}>");
        return sb.ToString().TrimEnd();
    }
}
