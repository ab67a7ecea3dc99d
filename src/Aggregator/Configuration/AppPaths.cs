namespace Aggregator.Configuration;

/// <summary>The two folders every command works with: --config and --data.</summary>
public sealed record AppPaths(string ConfigDirectory, string DataDirectory)
{
    public string DatabaseFile => Path.Combine(DataDirectory, "aggregator.db");

    public string InConfig(string relative) => Path.GetFullPath(Path.Combine(ConfigDirectory, relative));
}
