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
}
