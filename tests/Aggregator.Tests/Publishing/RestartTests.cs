using System.Text.Json;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Publishing;

public abstract class RestartTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Start, stop with SIGTERM, start again on the same data folder: the second
    /// start imports the seeds again and adds nothing.</summary>
    [Fact]
    public async Task Stopping_and_starting_again_adds_nothing()
    {
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        string first;
        await using (var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Path, env))
        {
            await service.WaitUntilAsync(() => Task.FromResult(service.Log.Contains("Imported 5 document(s): 5 new", StringComparison.Ordinal)), "the first import");
            first = await service.Http.GetStringAsync("feeds/all.json", Ct);
            Assert.Equal(0, await service.StopAsync());
        }

        await using (var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Path, env))
        {
            await service.WaitUntilAsync(() => Task.FromResult(service.Log.Contains("Imported 5 document(s): 0 new, 0 new sighting(s) of stored items, 0 updated, 5 unchanged", StringComparison.Ordinal)), "the second import");
            var second = await service.Http.GetStringAsync("feeds/all.json", Ct);
            Assert.Equal(Ids(first), Ids(second));
            Assert.Equal(Items(first), Items(second)); // every field of every entry, not only the ids
            Assert.Equal(0, await service.StopAsync());
        }
    }

    private static string Items(string jsonFeed) => JsonDocument.Parse(jsonFeed).RootElement.GetProperty("items").GetRawText();

    private static List<string> Ids(string jsonFeed) =>
        JsonDocument.Parse(jsonFeed).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
}

public sealed class RestartTestsOnSqlite() : RestartTests(Backend.Sqlite);

public sealed class RestartTestsOnPostgres() : RestartTests(Backend.Postgres);
