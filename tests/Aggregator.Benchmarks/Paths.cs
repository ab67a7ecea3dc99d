namespace Aggregator.Benchmarks;

public static class Paths
{
    /// <summary>The repository's config folder, found upwards from the benchmark's binaries.</summary>
    public static string Config()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aggregator.sln"))) return Path.Combine(dir.FullName, "config");
        throw new DirectoryNotFoundException("the repository's config folder (looked upwards for Aggregator.sln)");
    }

    /// <summary>The feed files of a corpus written by ../shared/bench/gen_feeds.py (not its URL
    /// list, OPML or the files it marks with a leading underscore), in name order.</summary>
    public static IReadOnlyList<string> CorpusFeeds(string corpus) => Directory.GetFiles(corpus)
        .Where(f => !f.EndsWith(".txt", StringComparison.Ordinal) && !f.EndsWith(".opml", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith('_'))
        .Order(StringComparer.Ordinal).ToList();
}
