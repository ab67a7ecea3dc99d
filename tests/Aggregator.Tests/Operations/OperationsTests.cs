using System.Net;
using System.Text.Json;
using Aggregator.Tests.Mail;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Operations;

/// <summary>What an operator's tools see of the running service: probes, Prometheus metrics,
/// JSON logs and the healthcheck command a container runtime runs.</summary>
public sealed class OperationsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes; the service runs on Linux
    public async Task Probes_metrics_json_logs_and_the_healthcheck_command_report_the_service()
    {
        using var temp = new TempFolder();
        await using var feeds = await MailFeeds.StartAsync();
        var opml = Subscriptions(temp, ("a", feeds.Add("a", [1, 2], copies: [])), ("b", feeds.Add("b", [3], copies: [1])), ("gone", feeds.Server.Url("missing.xml")));
        await using var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data"), new Dictionary<string, string>
        {
            ["Aggregator__Sources__SubscriptionsFile"] = opml,
            ["Aggregator__Scheduling__PollTickSeconds"] = "5",
            ["Aggregator__Scheduling__SearchIndexSeconds"] = "2",
            ["Aggregator__Retention__Days"] = "365", // the seeds were first seen now: nothing to remove, but the job runs
            ["Logging__Console__FormatterName"] = "json",
        });

        Assert.Equal("ok", (await service.Http.GetStringAsync("healthz", Ct)).Trim());
        var ready = await service.Http.GetAsync("readyz", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("ready", checks.GetProperty("status").GetString());
        Assert.Equal("ok", checks.GetProperty("checks").GetProperty("database").GetString());
        Assert.Matches(@"^\d+ applied$", checks.GetProperty("checks").GetProperty("migrations").GetString());
        Assert.Equal("running", checks.GetProperty("checks").GetProperty("scheduler").GetString());

        // After a cycle: 5 seeds and 3 feed stories (one of them with a copy from feed b).
        await service.WaitUntilAsync(async () => Metric(await MetricsAsync(service), "aggregator_items") == 9, "9 items are stored", 60);
        await service.Http.GetStringAsync("feeds/all.atom", Ct);
        var metrics = await MetricsAsync(service);
        Assert.Equal(9, Metric(metrics, "aggregator_items"));
        Assert.Equal(8, Metric(metrics, "aggregator_stories"));
        Assert.Equal(1, Metric(metrics, "aggregator_duplicates{kind=\"copy\"}"));
        Assert.Equal(5, Metric(metrics, "aggregator_items_ingested_total{source=\"document\",outcome=\"inserted\"}"));
        Assert.Equal(4, Metric(metrics, "aggregator_items_ingested_total{source=\"feed\",outcome=\"inserted\"}"));
        Assert.Equal(2, Metric(metrics, "aggregator_feeds{state=\"ok\"}"));
        Assert.Equal(1, Metric(metrics, "aggregator_feeds{state=\"failing\"}"));
        Assert.Equal(2, Metric(metrics, "aggregator_fetches_total{result=\"ok\"}"));
        Assert.Equal(1, Metric(metrics, "aggregator_fetches_total{result=\"failed\"}"));
        Assert.Equal(3, Metric(metrics, "aggregator_fetch_duration_seconds_count"));
        Assert.True(Metric(metrics, "aggregator_cycle_duration_seconds_count{kind=\"poll\"}") >= 1);
        Assert.Equal(1, Metric(metrics, "aggregator_cycle_duration_seconds_count{kind=\"import\"}"));
        Assert.Equal(9, Metric(metrics, "aggregator_tags_assigned{tag=\"korea-china\"}")); // every seed and every feed entry, the copy too
        Assert.Equal(0, Metric(metrics, "aggregator_email_outbox{state=\"queued\"}"));
        Assert.Equal(1, Metric(metrics, "aggregator_database_up"));
        // The database's size on disk, the file's own, as the operator's `ls` would see it.
        Assert.Equal(new FileInfo(Path.Combine(temp.Sub("data"), "aggregator.db")).Length, Metric(metrics, "aggregator_database_bytes{part=\"data\"}"));
        Assert.True(Metric(metrics, "aggregator_database_bytes{part=\"wal\"}") > 0);
        // When each job last ran to its end, for an alert on a service that runs but does nothing.
        var unixNow = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(Metric(metrics, "aggregator_job_last_success_timestamp_seconds{job=\"import\"}"), unixNow - 120, unixNow + 5);
        Assert.InRange(Metric(metrics, "aggregator_job_last_success_timestamp_seconds{job=\"poll\"}"), unixNow - 120, unixNow + 5);
        // Everything stored is indexed for search within a few seconds (the test's interval).
        await service.WaitUntilAsync(async () => Metric(await MetricsAsync(service), "aggregator_search_waiting_items{state=\"waiting\"}") == 0, "every item is indexed for search", 30);
        Assert.InRange(Metric(await MetricsAsync(service), "aggregator_job_last_success_timestamp_seconds{job=\"search\"}"), unixNow - 120, unixNow + 35);
        Assert.InRange(Metric(metrics, "aggregator_job_last_success_timestamp_seconds{job=\"retention\"}"), unixNow - 120, unixNow + 5); // at start, then hourly
        // Requests are labelled by route template, not by path.
        Assert.Equal(1, Metric(metrics, "http_requests_received_total{code=\"2xx\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"HTTP: GET, HEAD /feeds/all.{format}\"}"));
        Assert.Contains("process_cpu_seconds_total", metrics);

        // The healthcheck command a container runs: 0 when ready, 1 when nothing answers.
        var healthy = await Processes.AggregatorAsync(RepoPaths.Root, null, "healthcheck", "--url", new Uri(service.BaseUrl, "readyz").AbsoluteUri);
        Assert.True(healthy.ExitCode == 0, healthy.Stdout);
        Assert.StartsWith("200 ", healthy.Stdout);
        var port = service.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (await Processes.AggregatorAsync(RepoPaths.Root, new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = port }, "healthcheck")).ExitCode);
        var down = await Processes.AggregatorAsync(RepoPaths.Root, new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = "1" }, "healthcheck");
        Assert.Equal(1, down.ExitCode);
        Assert.Contains("http://127.0.0.1:1/readyz", down.Stdout);

        // A backup taken while the service runs opens on its own and holds every item.
        var backup = Path.Combine(temp.Path, "backup.db");
        var backedUp = await Processes.AggregatorAsync(RepoPaths.Root, null, "backup", backup, "--data", Path.Combine(temp.Path, "data"));
        Assert.True(backedUp.ExitCode == 0, backedUp.Stderr);
        await using (var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={backup};Mode=ReadOnly;Pooling=False"))
        {
            Assert.Equal(9L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(copy, "SELECT count(*) FROM items"));
            Assert.Equal("ok", await Dapper.SqlMapper.ExecuteScalarAsync<string>(copy, "PRAGMA integrity_check"));
        }
        Assert.Equal(2, (await Processes.AggregatorAsync(RepoPaths.Root, null, "backup", backup, "--data", Path.Combine(temp.Path, "data"))).ExitCode);
        // Ordinary mistakes are one line each, not a stack trace.
        var data = Path.Combine(temp.Path, "data");
        var noFolder = await Processes.AggregatorAsync(RepoPaths.Root, null, "backup", Path.Combine(temp.Path, "nowhere", "b.db"), "--data", data);
        Assert.Equal((2, $"backup: the folder {Path.Combine(temp.Path, "nowhere")} does not exist; make it first, or choose another\n"), (noFolder.ExitCode, noFolder.Stderr));
        var aFolder = await Processes.AggregatorAsync(RepoPaths.Root, null, "backup", temp.Path, "--data", data);
        Assert.Equal(2, aFolder.ExitCode);
        Assert.StartsWith($"backup: {temp.Path} is a folder; give the name of a new file in it", aFolder.Stderr, StringComparison.Ordinal);
        var noScheme = await Processes.AggregatorAsync(RepoPaths.Root, null, "healthcheck", "--url", $"127.0.0.1:{service.BaseUrl.Port}");
        Assert.Equal((1, $"healthcheck: --url must be an http(s) address such as http://127.0.0.1:8080/readyz (was \"127.0.0.1:{service.BaseUrl.Port}\")\n"), (noScheme.ExitCode, noScheme.Stderr));
        var bare = await Processes.AggregatorAsync(RepoPaths.Root, null, "healthcheck", "--url", $"http://127.0.0.1:{service.BaseUrl.Port}");
        Assert.Equal(0, bare.ExitCode);
        Assert.StartsWith("200 {\"status\":\"ready\"", bare.Stdout, StringComparison.Ordinal); // its readiness, not its front page
        var badUrls = await Processes.AggregatorAsync(RepoPaths.Root, null, "serve", "--urls", "127.0.0.1:9", "--data", data);
        Assert.Equal((2, "error: \"127.0.0.1:9\" is not an address to listen on: give one such as http://127.0.0.1:9000 or http://0.0.0.0:9000 (--urls, or ASPNETCORE_URLS)\n"), (badUrls.ExitCode, badUrls.Stderr));
        var taken = await Processes.AggregatorAsync(RepoPaths.Root, null, "serve", "--urls", service.BaseUrl.AbsoluteUri.TrimEnd('/'), "--data", temp.Sub("second"));
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("address already in use. (choose another with --urls, or ASPNETCORE_HTTP_PORTS)", taken.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", taken.Stdout + taken.Stderr, StringComparison.Ordinal);
        // The database and its backup hold feed passwords and the unsubscribe key: owner only.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(temp.Path, "data", "aggregator.db")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(temp.Path, "data", "aggregator.db-wal")));

        // JSON logs: every line one object with a UTC timestamp, a level and the message.
        Assert.Equal(0, await service.StopAsync());
        var lines = service.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 5);
        foreach (var line in lines)
        {
            var entry = JsonDocument.Parse(line).RootElement;
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", entry.GetProperty("Timestamp").GetString());
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("LogLevel").GetString()));
            Assert.True(entry.TryGetProperty("Message", out _));
        }
        Assert.Contains(lines, l => l.Contains("\"Category\":\"Aggregator.Ingestion.FeedIngestor\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
    }

    /// <summary>A subscriptions file (OPML) listing the feeds, by name and address.</summary>
    private static string Subscriptions(TempFolder temp, params (string Text, Uri Url)[] feeds) =>
        temp.File("feeds.opml", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <opml version="2.0"><head><title>t</title></head><body>
            {string.Concat(feeds.Select(f => $"""<outline type="rss" text="{f.Text}" xmlUrl="{f.Url}"/>"""))}
            </body></opml>
            """);

    private async static Task<string> MetricsAsync(ServiceProcess service)
    {
        var response = await service.Http.GetAsync("metrics", Ct);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>A database another process keeps locked past the 30 s timeout (a long backup, a
    /// sqlite3 shell left in a transaction): the poll job said so with a stack trace at every tick
    /// and no metric moved. It is one line a run, a failure counted by job and cause, and the job's
    /// last success time stands still until the lock goes.</summary>
    [Fact]
    public async Task A_database_locked_by_another_process_stops_a_job_in_one_line_and_counts_it()
    {
        using var temp = new TempFolder();
        await using var feeds = await MailFeeds.StartAsync();
        var opml = Subscriptions(temp, ("a", feeds.Add("a", [1])));
        await using var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data"), new Dictionary<string, string>
        {
            ["Aggregator__Sources__SubscriptionsFile"] = opml,
            ["Aggregator__Sources__DocumentFolders__0"] = temp.Sub("documents"),
            ["Aggregator__Scheduling__PollTickSeconds"] = "5",
        });
        const string pollSucceeded = "aggregator_job_last_success_timestamp_seconds{job=\"poll\"}";
        const string pollFailed = "aggregator_job_failures_total{job=\"poll\",cause=\"database\"}";
        await service.WaitUntilAsync(async () => !double.IsNaN(Metric(await MetricsAsync(service), pollSucceeded)), "a poll cycle ran");

        await using (var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(temp.Path, "data", "aggregator.db")};Pooling=False"))
        {
            await holder.OpenAsync(Ct);
            await Dapper.SqlMapper.ExecuteAsync(holder, "BEGIN EXCLUSIVE");
            var lockedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            await service.WaitUntilAsync(async () => Metric(await MetricsAsync(service), pollFailed) >= 1, "a poll run failed on the lock", 90);
            var metrics = await MetricsAsync(service);
            Assert.True(Metric(metrics, pollSucceeded) <= lockedAt + 1, "no poll ran to its end while the database was locked");
            Assert.Equal(1, Metric(metrics, "aggregator_database_up")); // reads go on beside a writer
            await Dapper.SqlMapper.ExecuteAsync(holder, "COMMIT");
            await service.WaitUntilAsync(async () => Metric(await MetricsAsync(service), pollSucceeded) > lockedAt + 5, "a poll ran to its end again", 60);
        }
        Assert.Contains("Polling waited more than 30 s for the database, which another process keeps locked", service.Log);
        Assert.DoesNotContain("   at ", service.Log); // no stack trace
        Assert.Equal(0, await service.StopAsync());
    }

    /// <summary>PostgreSQL taken away from a running cluster node: /readyz answered 500 with no
    /// body (an exception from the cluster's check-ins escaped), or, with the server frozen, no
    /// answer at all. It says 503 within seconds and names the failing check.</summary>
    [Fact]
    public async Task Readiness_says_not_ready_promptly_when_PostgreSQL_is_cut_or_frozen()
    {
        foreach (var cut in new[] { false, true })
        {
            using var temp = new TempFolder();
            var database = new Npgsql.NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync());
            await using var relay = new TcpRelay(database.Port);
            var viaRelay = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = relay.Port, Timeout = 3, CommandTimeout = 3 };
            await using var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data"), new Dictionary<string, string>
            {
                ["Aggregator__Storage__Provider"] = "postgres",
                ["Aggregator__Storage__ConnectionString"] = viaRelay.ConnectionString,
                ["Aggregator__Sources__DocumentFolders__0"] = temp.Sub("documents"),
            });
            await service.WaitUntilAsync(async () => (await service.Http.GetAsync("readyz", Ct)).IsSuccessStatusCode, "ready");

            if (cut) relay.Cut(); else relay.Freeze();
            var asked = System.Diagnostics.Stopwatch.StartNew();
            var answer = await service.Http.GetAsync("readyz", Ct);
            Assert.True(asked.Elapsed < TimeSpan.FromSeconds(15), $"answered after {asked.Elapsed}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            var checks = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.Equal("not ready", checks.GetProperty("status").GetString());
            Assert.NotEqual("ok", checks.GetProperty("checks").GetProperty("database").GetString());
            if (cut)
            {
                // The scrape still answers, with the process's own figures and the stored state's
                // last reading, and says the database did not: it failed whole before.
                var metrics = await MetricsAsync(service);
                Assert.Equal(0, Metric(metrics, "aggregator_database_up"));
                Assert.Equal(0, Metric(metrics, "aggregator_items"));
                Assert.Contains("process_cpu_seconds_total", metrics);
            }
            await service.KillAsync();
            await TestPostgres.DropDatabaseAsync(database.ConnectionString);
        }
    }

    /// <summary>The value of one series (name with its labels exactly as exported); NaN when absent.</summary>
    private static double Metric(string metrics, string series) =>
        metrics.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(double.NaN).First();
}
