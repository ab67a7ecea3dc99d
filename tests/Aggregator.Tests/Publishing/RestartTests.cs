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

    /// <summary>SIGTERM while every fetch hangs on a slow server: the fetches are abandoned, the
    /// service exits 0 at once (not when a shutdown timeout kills it), and no feed stays claimed
    /// by the stopped instance, so the next start or `run-once` polls them straight away.</summary>
    [Fact]
    public async Task Stopping_while_fetches_hang_abandons_them_and_frees_their_claims()
    {
        await using var slow = await HangingServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        await File.WriteAllTextAsync(Path.Combine(config, "feeds.opml"), "<opml version=\"2.0\"><body>"
            + string.Concat(Enumerable.Range(0, 4).Select(n => $"<outline text=\"hang {n}\" xmlUrl=\"{slow.Url($"hang/{n}.xml")}\"/>")) + "</body></opml>", Ct);
        var data = temp.Sub("data");
        await using var service = await ServiceProcess.StartAsync(temp.Path, config, data, env);
        await service.WaitUntilAsync(() => Task.FromResult(slow.Requests.Count >= 2), "fetches are in flight");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, await service.StopAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {watch.Elapsed}:\n{service.Log}");
        Assert.Contains("Poll cycle stopped (shutdown): 4 feed(s) abandoned mid-poll and released", service.Log, StringComparison.Ordinal);

        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", "--config", config, "--data", data]);
        var feeds = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(4, feeds.Count);
        Assert.All(feeds, f => Assert.Equal(JsonValueKind.Null, f.EnumerateObject().Single(p => p.Name.Equals("claimedBy", StringComparison.OrdinalIgnoreCase)).Value.ValueKind));
    }

    /// <summary>`run-once` stopped by SIGTERM (cron's timeout, a container stopping): it says so,
    /// exits 130 rather than 1 (which says a feed failed), and leaves no feed claimed.</summary>
    [Fact]
    public async Task Run_once_stopped_by_sigterm_says_so_and_frees_its_claims()
    {
        await using var slow = await HangingServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        var data = temp.Sub("data");
        foreach (var n in Enumerable.Range(0, 3))
            await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", "--no-check", slow.Url($"hang/{n}.xml").ToString(), "--config", config, "--data", data]);

        using var process = new System.Diagnostics.Process { StartInfo = Processes.Info("dotnet", [RepoPaths.ProgramDll, "run-once", "--config", config, "--data", data], temp.Path, env) };
        process.Start();
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        while (slow.Requests.Count < 2) await Task.Delay(100, Ct); // two at a time per host: the third waits for its turn
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.True(process.ExitCode == 130, await stdout + await stderr);
        Assert.Contains("interrupted: ", await stderr, StringComparison.Ordinal);
        Assert.Contains("3 feed(s) abandoned mid-poll and released", await stdout + await stderr, StringComparison.Ordinal);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", "--config", config, "--data", data]);
        Assert.All(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray(),
            f => Assert.Equal(JsonValueKind.Null, f.EnumerateObject().Single(p => p.Name.Equals("claimedBy", StringComparison.OrdinalIgnoreCase)).Value.ValueKind));
    }

    /// <summary>A server whose feeds answer after a minute: fetches in flight when the signal comes.</summary>
    private static Task<LoopbackServer> HangingServerAsync() =>
        LoopbackServer.StartAsync(app => Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, "/hang/{n}.xml",
            async (Microsoft.AspNetCore.Http.HttpContext c) => await Task.Delay(TimeSpan.FromSeconds(60), c.RequestAborted)));

    private static async Task<string> ConfigAsync(TempFolder temp)
    {
        var config = temp.Sub("config");
        File.Copy(Path.Combine(RepoPaths.Config, "topics.json"), Path.Combine(config, "topics.json"));
        await File.WriteAllTextAsync(Path.Combine(config, "aggregator.json"), """{"Aggregator":{"Sources":{"DocumentFolders":[]}}}""", Ct);
        return config;
    }

    private static string Items(string jsonFeed) => JsonDocument.Parse(jsonFeed).RootElement.GetProperty("items").GetRawText();

    private static List<string> Ids(string jsonFeed) =>
        JsonDocument.Parse(jsonFeed).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
}

public sealed class RestartTestsOnSqlite() : RestartTests(Backend.Sqlite);

public sealed class RestartTestsOnPostgres() : RestartTests(Backend.Postgres);
