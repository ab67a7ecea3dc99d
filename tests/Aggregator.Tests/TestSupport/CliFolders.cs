namespace Aggregator.Tests.TestSupport;

/// <summary>What an operator running the command line has: a config folder with the shipped
/// topic rules and one document folder, and the data folder the commands share.</summary>
public sealed record CliFolders(string Config, string Documents, string[] Common)
{
    public static CliFolders In(TempFolder temp)
    {
        var (config, documents) = (temp.Sub("config"), temp.Sub("documents"));
        File.Copy(Path.Combine(RepoPaths.Config, "topics.json"), Path.Combine(config, "topics.json"));
        File.WriteAllText(Path.Combine(config, "aggregator.json"),
            """{"Aggregator":{"Sources":{"DocumentFolders":[""" + System.Text.Json.JsonSerializer.Serialize(documents) + "]}}}");
        return new CliFolders(config, documents, ["--config", config, "--data", temp.Sub("data")]);
    }
}
