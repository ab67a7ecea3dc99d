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
        Description = "Folder for the database and fetched data (default: $AGGREGATOR_DATA, else data)",
        // The image sets AGGREGATOR_DATA=/data: a command run in the container (`docker exec …
        // backup`, `feeds add`) finds the service's database, not an empty /app/data.
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AGGREGATOR_DATA") is { Length: > 0 } data ? data : "data",
        Recursive = true,
    };

    public static AppPaths Paths(ParseResult result) => new(
        Path.GetFullPath(result.GetValue(Config)!),
        Path.GetFullPath(result.GetValue(Data)!));
}
