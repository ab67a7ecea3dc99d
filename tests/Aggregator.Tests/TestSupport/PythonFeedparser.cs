using System.Text.Json;

namespace Aggregator.Tests.TestSupport;

/// <summary>Debian's python3-feedparser, the reference parser most aggregators are measured
/// against, run on feed bytes; returns its bozo flag, version and entries (with their summary as it gives it).</summary>
public static class PythonFeedparser
{
    public const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys, feedparser
        d = feedparser.parse(open(sys.argv[1], "rb").read())
        print(json.dumps({
            "bozo": bool(d.bozo),
            "bozo_exception": str(d.get("bozo_exception", "")),
            "version": d.version,
            "title": d.feed.get("title"),
            "entries": [{"id": e.get("id"), "title": e.get("title"), "published": e.get("published"),
                         "updated": e.get("updated"), "tags": [t.term for t in e.get("tags", [])],
                         "author": e.get("author"), "summary": e.get("summary")} for e in d.entries]}))
        """;

    public static async Task<bool> AvailableAsync()
    {
        if (!File.Exists(Python)) return false;
        var result = await Processes.RunAsync(Python, ["-c", "import feedparser"]);
        return result.ExitCode == 0;
    }

    public static async Task<JsonElement> ParseAsync(byte[] feed)
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, feed);
            var result = await Processes.RunAsync(Python, ["-c", Script, path]);
            Assert.True(result.ExitCode == 0, result.Stderr);
            return JsonDocument.Parse(result.Stdout).RootElement;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
