using System.CommandLine;
using Aggregator.Configuration;

namespace Aggregator.Cli;

/// <summary>--config and --data, accepted by every verb.</summary>
public static class GlobalOptions
{
    public static readonly Option<string> Config = new("--config")
    {
        Description = "Folder with aggregator.json and topics.json",
        DefaultValueFactory = _ => "config",
        Recursive = true,
    };

    public static readonly Option<string> Data = new("--data")
    {
        Description = "Folder for the database and fetched data",
        DefaultValueFactory = _ => "data",
        Recursive = true,
    };

    public static AppPaths Paths(ParseResult result) => new(
        Path.GetFullPath(result.GetValue(Config)!),
        Path.GetFullPath(result.GetValue(Data)!));
}
