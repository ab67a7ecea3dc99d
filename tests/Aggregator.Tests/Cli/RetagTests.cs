using Aggregator.Tests.TestSupport;
using Dapper;

namespace Aggregator.Tests.Cli;

/// <summary>Stored tags follow the rules: `retag` recomputes them from stored text, and a cycle
/// (like the service at start) does it by itself when the rules' version changed.</summary>
public abstract class RetagTests(Backend backend)
{
    private static async Task<List<string>> RowsAsync(Dictionary<string, string> env, string data, string sql)
    {
        await using var connection = await TestPostgres.OpenAsync(env, data);
        return (await connection.QueryAsync<string>(sql)).ToList();
    }

    private static void WriteRules(string configFolder, string version, double minSideScore)
    {
        var rules = File.ReadAllText(Path.Combine(RepoPaths.Config, "topics.json"));
        rules = System.Text.RegularExpressions.Regex.Replace(rules, "\"version\": \"[^\"]+\"", $"\"version\": \"{version}\"");
        rules = System.Text.RegularExpressions.Regex.Replace(rules, "\"minSideScore\": [0-9.]+", $"\"minSideScore\": {minSideScore}");
        File.WriteAllText(Path.Combine(configFolder, "topics.json"), rules);
    }

    /// <summary>The seeds stored by a first cycle under rules "test-1".</summary>
    private async Task<(string Config, string Data, Dictionary<string, string> Env)> SeededAsync(TempFolder temp)
    {
        var (config, data) = (temp.Sub("config"), temp.Sub("data"));
        var env = await TestPostgres.EnvironmentAsync(backend);
        File.Copy(Path.Combine(RepoPaths.Config, "aggregator.json"), Path.Combine(config, "aggregator.json"));
        WriteRules(config, "test-1", 2);
        var first = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--config", config, "--data", data);
        Assert.True(first.ExitCode == 0, first.Stderr);
        return (config, data, env);
    }

    [Fact]
    public async Task Retag_recomputes_stored_tags_and_a_cycle_does_it_when_the_rules_version_changed()
    {
        using var temp = new TempFolder();
        var (config, data, env) = await SeededAsync(temp);
        Assert.Equal(5, (await RowsAsync(env, data, "SELECT item_id FROM item_tags WHERE tag = 'korea-china'")).Count);

        // Rules no seed can meet: `retag` takes every tag away and says so.
        WriteRules(config, "test-2", 1000);
        var retag = await Processes.AggregatorAsync(RepoPaths.Root, env, "retag", "--config", config, "--data", data);
        Assert.True(retag.ExitCode == 0, retag.Stderr);
        Assert.Contains("5 item(s) retagged with rules test-2: 5 changed", retag.Stdout, StringComparison.Ordinal);
        Assert.Empty(await RowsAsync(env, data, "SELECT item_id FROM item_tags"));

        // Back to the shipped thresholds under a new version: the next cycle retags by itself.
        WriteRules(config, "test-3", 2);
        var cycle = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--config", config, "--data", data);
        Assert.True(cycle.ExitCode == 0, cycle.Stderr);
        Assert.Contains("topic rules changed: 5 item(s) retagged, 5 changed", cycle.Stdout, StringComparison.Ordinal);
        Assert.Equal(["test-3"], await RowsAsync(env, data, "SELECT DISTINCT rules_version FROM item_tags"));
        Assert.Equal(5, (await RowsAsync(env, data, "SELECT item_id FROM item_tags WHERE tag = 'korea-china'")).Count);

        // Same rules again: nothing to do.
        var again = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--config", config, "--data", data);
        Assert.DoesNotContain("retagged", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_stored_by_an_older_tagger_are_recomputed_once_under_the_same_rules()
    {
        using var temp = new TempFolder();
        var (config, data, env) = await SeededAsync(temp);

        // What a release before the tagger's matching changed left: the rules' version alone, and
        // tags it judged differently (here none at all).
        Assert.Equal(["test-1"], await RowsAsync(env, data, "UPDATE settings SET value = 'test-1' WHERE key = 'rules_version' RETURNING value"));
        await RowsAsync(env, data, "DELETE FROM item_tags RETURNING tag");
        var upgraded = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--config", config, "--data", data);
        Assert.True(upgraded.ExitCode == 0, upgraded.Stderr);
        Assert.Contains("topic rules changed: 5 item(s) retagged, 5 changed", upgraded.Stdout, StringComparison.Ordinal);
        Assert.Equal(5, (await RowsAsync(env, data, "SELECT item_id FROM item_tags WHERE tag = 'korea-china'")).Count);

        var again = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--config", config, "--data", data);
        Assert.DoesNotContain("retagged", again.Stdout, StringComparison.Ordinal);
    }
}

public sealed class RetagTestsOnSqlite() : RetagTests(Backend.Sqlite);

public sealed class RetagTestsOnPostgres() : RetagTests(Backend.Postgres);
