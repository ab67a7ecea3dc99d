namespace Aggregator.Tests.TestSupport;

/// <summary>The repository the tests run in: seeds/, config/ and the built program.</summary>
public static class RepoPaths
{
    public static readonly string Root = FindRoot();

    public static string Seeds => Path.Combine(Root, "seeds");
    public static string Config => Path.Combine(Root, "config");
    public static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "testdata", .. parts]);

    /// <summary>The aggregator program built next to the tests (same configuration).</summary>
    public static string ProgramDll => Path.Combine(AppContext.BaseDirectory, "aggregator.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aggregator.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Aggregator.sln not found above " + AppContext.BaseDirectory);
    }
}
