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
            // A user name and password in the address sign in, as `feeds add` takes them (an @ in
            // the password too, and feed:// addresses), and are never echoed: the address is said,
            // and recorded, without them.
            if (!File.Exists(target) && Sources.FeedUrl.Parse(Sources.FeedUrl.WithoutFeedScheme(target.Trim()), out var credentials, out _) is { } bare)
            {
                var url = new Uri(bare);
                target = url.AbsoluteUri;
                if (await FetchAsync(result, url, credentials, ct) is not { } fetched) return CommandServices.ConfigurationError;
                // Fetched as a poll would be (limits, codings, redirects): a 404 is a 404, not bad XML.
                parsed = fetched.Outcome == FetchOutcome.Ok
                    ? FeedParser.Parse(fetched.Body!, fetched.FinalUrl, fetched.Charset)
                    : FeedParseResult.Failed($"{url.AbsoluteUri}: {fetched.Error ?? "HTTP " + fetched.Status}");
            }
            else if (Directory.Exists(target))
            {
                await Console.Error.WriteLineAsync($"parse: {target} is a folder; `parse --jsonl OUT.jsonl {target}` parses every file in it");
                return 2;
            }
            else if (File.Exists(target))
            {
                try
                {
                    parsed = FeedParser.Parse(await File.ReadAllBytesAsync(target, ct));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"parse: {target} cannot be read: {e.Message}");
                    return 2;
                }
            }
            else
            {
                await Console.Error.WriteLineAsync($"parse: {Sources.FeedUrl.Masked(target)}: no such file, and not an http(s) URL");
                return 2;
            }
            if (result.GetValue(json))
            {
                await using var stdout = Console.OpenStandardOutput();
                await using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                ConformanceRecord.Write(w, target, parsed);
                await w.FlushAsync(ct);
                stdout.WriteByte((byte)'\n');
            }
            else if (parsed.Feed is null)
                // What went wrong, on stderr as every other command's errors, whether the fetch or the parse failed.
                await Console.Error.WriteLineAsync("error: " + parsed.Error);
            else
                Console.WriteLine(Describe(parsed));
            // A document broken before its first entry is what a poll counts as a failure: so here.
            return parsed.Feed is null || parsed.Feed.Unreadable is not null ? 1 : 0;
        });
        return command;
    }

    private static async Task<int> ParseFolderAsync(string folder, string output, CancellationToken ct)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            await Console.Error.WriteLineAsync($"parse: {folder} is not a folder");
            return 2;
        }
        // Symbolic links are not followed (a link to a parent folder walked the tree forty levels
        // deep), folders that cannot be read are passed over, and the output is not an input
        // when it is written inside the folder.
        var walk = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint, ReturnSpecialDirectories = false };
        var outputPath = Path.GetFullPath(output);
        var files = Directory.EnumerateFiles(root, "*", walk).Where(f => f != outputPath).Order(StringComparer.Ordinal).ToList();
        FileStream stream;
        try
        {
            stream = File.Create(output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"parse: {output} cannot be written: {e.Message}");
            return 2;
        }
        await using var _ = stream;
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            var (parsed, trouble) = await ParseFileAsync(file, ct);
            if (trouble) await Console.Error.WriteLineAsync($"{relative}: {parsed.Error}");
            using (var w = new Utf8JsonWriter(stream, options))
                ConformanceRecord.Write(w, relative, parsed);
            stream.WriteByte((byte)'\n');
        }
        Console.WriteLine($"{files.Count} file(s) parsed into {output}");
        return 0;
    }

    /// <returns>What was read, and whether it is worth saying on stderr (the file could not be
    /// read, or the parser crashed): a file that is no feed is only recorded.</returns>
    private static async Task<(FeedParseResult Parsed, bool Trouble)> ParseFileAsync(string file, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            // An empty file is not opened: a named pipe (which is empty too) would wait for a writer for ever.
            bytes = new FileInfo(file).Length == 0 ? [] : await File.ReadAllBytesAsync(file, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The file's, not the parser's: said as such, not recorded as a crash.
            return (FeedParseResult.Failed($"cannot be read: {e.Message}"), true);
        }
        try
        {
            return (FeedParser.Parse(bytes), false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A crash is a bug; record it and go on so the whole corpus is still scored.
            return (FeedParseResult.Failed($"crash: {e.GetType().Name}: {e.Message}"), true);
        }
    }

    /// <summary>One fetch with the configured limits; null when the configuration is broken (reported).</summary>
    private static async Task<FetchResult?> FetchAsync(ParseResult result, Uri url, Fetching.FeedCredentials? credentials, CancellationToken ct)
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
        return await provider.GetRequiredService<FeedFetcher>().FetchAsync(url, null, null, ct, credentials);
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
