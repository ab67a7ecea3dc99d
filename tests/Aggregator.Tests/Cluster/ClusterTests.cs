using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Tests.TestSupport;
using Npgsql;

namespace Aggregator.Tests.Cluster;

/// <summary>Three service processes over one PostgreSQL database, one nginx serving a corpus from
/// ../shared/bench/gen_feeds.py, one SMTP server. A cycle over 500 feeds: every feed fetched
/// once (nginx's access log), every entry stored once, every alert delivered once. Then 500 more
/// feeds, and one instance killed with SIGKILL while it holds claims: the other two take its
/// feeds over once the cluster has declared it dead, and finish the cycle with nothing lost or
/// stored twice, and no email doubled but one the killed instance was sending (the server may
/// have taken it just before the kill; MailDelivery's at-least-once window).</summary>
public sealed partial class ClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const int Feeds = 1000, Entries = 20;

    private static string Bench => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "bench"));
    private static readonly string? Nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    [Fact]
    public async Task Three_instances_share_a_cycle_exactly_once_and_finish_the_work_of_one_killed_mid_cycle()
    {
        var admin = TestPostgres.Admin;
        SmtpSink.Require();
        RequiredTool.Require(Nginx is not null, "nginx (serves the benchmark corpus)");
        RequiredTool.Require(File.Exists(Path.Combine(Bench, "gen_feeds.py")), "../shared/bench beside the repository");
        using var temp = new TempFolder();
        var corpus = temp.Sub("corpus");
        var port = ServiceProcess.FreePort();
        var generated = await Processes.RunAsync("/usr/bin/python3", [Path.Combine(Bench, "gen_feeds.py"), "--feeds", Feeds.ToString(CultureInfo.InvariantCulture),
            "--entries", Entries.ToString(CultureInfo.InvariantCulture), "--seed", "11", "--out", corpus, "--base-url", $"http://127.0.0.1:{port}"]);
        Assert.True(generated.ExitCode == 0, generated.Stderr);
        // The corpus is dated March 2025; a year on, its stories are within the alert age limit (8760 h).
        foreach (var file in Directory.GetFiles(corpus).Where(f => !Path.GetFileName(f).StartsWith('_')))
            await File.WriteAllBytesAsync(file, ShiftYear(await File.ReadAllBytesAsync(file, Ct)), Ct);
        var outlines = File.ReadAllLines(Path.Combine(corpus, "feeds.opml")).Where(l => l.Contains("<outline", StringComparison.Ordinal)).ToList();
        Assert.Equal(Feeds, outlines.Count);
        var truth = File.ReadAllLines(Path.Combine(corpus, "_truth.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Feed: e.GetProperty("feed").GetString()!, Id: e.GetProperty("id").GetString()!, DupOf: e.GetProperty("dup_of").GetString())).ToList();

        var serve = Path.Combine(Bench, "serve.sh");
        // serve.sh finds /usr/sbin/nginx itself. (Never NGINX=…: nginx reads that variable as
        // sockets handed over by a binary upgrade, and then never finishes starting.)
        var env = new Dictionary<string, string>();
        // nginx runs on as a daemon: its output goes to a file, or reading the pipes would wait for it.
        var serveLog = Path.Combine(temp.Path, "serve.log");
        Assert.True(await ServeAsync(serve, env, serveLog, "start", corpus, port.ToString(CultureInfo.InvariantCulture)) == 0, File.ReadAllText(serveLog));
        try // nginx runs on as a daemon: stopped whatever fails after it started (PostgreSQL or SMTP not there)
        {
            var accessLog = Path.Combine(temp.Path, ".serve-corpus", "access.log");
            await using var smtp = await SmtpSink.StartAsync(temp.Sub("maildir"));
            var database = await TestPostgres.CreateDatabaseAsync();
            var opml = Path.Combine(temp.Path, "feeds.opml");
            var instances = new List<ServiceProcess>();
            try
            {
                var settings = Settings(database, opml, smtp.Port, temp.Sub("documents"));
                instances.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(n =>
                    ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub($"data{n}"), settings))));
                foreach (var instance in instances)
                    await instance.WaitUntilAsync(async () => (await instance.Http.GetAsync("readyz", Ct)).IsSuccessStatusCode, "ready");
                // Each node sees the cluster its check-ins make (readyz reports it).
                await WaitAsync(async () => (await Task.WhenAll(instances.Select(ClusterSeenAsync))).All(seen => seen == "3 alive"), "three nodes alive", instances, seconds: 30);

                // Cycle 1: the first 500 feeds, all due at once.
                await WriteOpmlAsync(opml, outlines.Take(Feeds / 2));
                await WaitAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM feeds WHERE last_success_at IS NOT NULL") == Feeds / 2,
                    "every feed of the first half polled", instances);
                var fetches = Fetches(accessLog);
                var firstHalf = truth.Select(t => t.Feed).Distinct().Order(StringComparer.Ordinal).Take(Feeds / 2).ToHashSet();
                Assert.Equal(firstHalf.Order(StringComparer.Ordinal), fetches.Keys.Order(StringComparer.Ordinal));
                Assert.All(fetches, f => Assert.Equal(1, f.Value)); // each feed fetched once for its one due time
                Assert.Equal(Feeds / 2 * Entries, await ScalarAsync(database, "SELECT count(*) FROM sightings s JOIN sources src ON src.id = s.source_id WHERE src.kind = 'feed'"));
                Assert.Equal(ExpectedItems(corpus, firstHalf, port), await ScalarAsync(database, "SELECT count(*) FROM items i WHERE EXISTS (SELECT 1 FROM sightings s JOIN sources src ON src.id = s.source_id WHERE s.item_id = i.id AND src.kind = 'feed')"));
                var polledBy = instances.Select(i => PolledFeeds(i.Log)).ToList();
                Assert.Equal(Feeds / 2, polledBy.Sum());
                Assert.True(polledBy.Count(n => n > 0) >= 2, $"the work was shared: feeds polled per instance {string.Join(", ", polledBy)}\n{Events(instances)}");
                // The seed documents were imported by one instance (a clustered job), once.
                Assert.Equal(5, await ScalarAsync(database, "SELECT count(*) FROM sightings s JOIN sources src ON src.id = s.source_id WHERE src.kind = 'document'"));
                await AlertsDeliveredOnceAsync(database, smtp, instances, interrupted: []);

                // Cycle 2: the other 500 feeds; one instance is killed while it holds claims.
                await WriteOpmlAsync(opml, outlines);
                ServiceProcess? victim = null;
                long held = 0;
                await WaitAsync(async () =>
                {
                    foreach (var instance in instances)
                        if ((held = await ScalarAsync(database, $"SELECT count(*) FROM feeds WHERE claimed_by LIKE '%-{instance.Pid}-%'")) > 0)
                        {
                            victim = instance;
                            return true;
                        }
                    return false;
                }, "an instance holding claims", instances, pollMilliseconds: 20);
                await victim!.KillAsync();
                var orphaned = (await RowsAsync(database, $"SELECT url FROM feeds WHERE claimed_by LIKE '%-{victim.Pid}-%'")).Select(u => new Uri(u).AbsolutePath.TrimStart('/')).ToHashSet();
                // Alerts the killed instance was sending: the server may have taken one before the kill
                // and the outbox never heard, so a survivor sends it again (Mail/MailDelivery.cs).
                var interrupted = (await RowsAsync(database, $"SELECT message_id FROM mail_outbox WHERE state = 'sending' AND claimed_by LIKE '%-{victim.Pid}-%'")).ToHashSet();
                var survivors = instances.Where(i => i != victim).ToList();
                await WaitAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM feeds WHERE last_success_at IS NOT NULL") == Feeds,
                    "every feed polled, the killed instance's too", survivors, seconds: 180);
                Assert.Equal(0, await ScalarAsync(database, "SELECT count(*) FROM feeds WHERE claimed_by IS NOT NULL"));
                fetches = Fetches(accessLog);
                Assert.Equal(Feeds, fetches.Count);
                Assert.All(firstHalf, f => Assert.Equal(1, fetches[f])); // not due again
                                                                         // A feed fetched twice is one the killed instance had fetched and not stored.
                var twice = fetches.Where(f => f.Value > 1).Select(f => f.Key).ToList();
                Assert.All(twice, f => Assert.Contains(f, orphaned));
                Assert.All(fetches, f => Assert.InRange(f.Value, 1, 2));
                Assert.Equal(Feeds * Entries, await ScalarAsync(database, "SELECT count(*) FROM sightings s JOIN sources src ON src.id = s.source_id WHERE src.kind = 'feed'"));
                Assert.Equal(ExpectedItems(corpus, fetches.Keys, port), await ScalarAsync(database, "SELECT count(*) FROM items i WHERE EXISTS (SELECT 1 FROM sightings s JOIN sources src ON src.id = s.source_id WHERE s.item_id = i.id AND src.kind = 'feed')"));
                await AlertsDeliveredOnceAsync(database, smtp, survivors, interrupted);
                // The dead node was declared failed and its row removed by the recovery sweep.
                await WaitAsync(async () => (await Task.WhenAll(survivors.Select(ClusterSeenAsync))).All(seen => seen == "2 alive"), "the survivors see two nodes", survivors, seconds: 60);
                TestContext.Current.TestOutputHelper?.WriteLine($"cycle 1: feeds polled per instance {string.Join(", ", polledBy)}; " +
                    $"cycle 2: the killed instance held {orphaned.Count} claim(s) at the kill, {twice.Count} feed(s) fetched twice, " +
                    $"{await ScalarAsync(database, "SELECT count(*) FROM mail_outbox")} alert(s) sent, {interrupted.Count} of them in flight at the kill");
            }
            finally
            {
                foreach (var instance in instances) await instance.DisposeAsync();
                await TestPostgres.DropDatabaseAsync(database);
            }
        }
        finally
        {
            await ServeAsync(serve, env, serveLog, "stop", corpus);
        }
    }

    /// <summary>serve.sh with no pipes to the test: the nginx it leaves running must not hold one open.</summary>
    private static async Task<int> ServeAsync(string serve, Dictionary<string, string> env, string log, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("bash") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec bash '{serve}' {string.Join(' ', args.Select(a => $"'{a}'"))} </dev/null >>'{log}' 2>&1");
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = System.Diagnostics.Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    private static Dictionary<string, string> Settings(string database, string opml, int smtpPort, string documents) => new()
    {
        ["Aggregator__Storage__Provider"] = "postgres",
        ["Aggregator__Storage__ConnectionString"] = database,
        ["Aggregator__Cluster__CheckinIntervalSeconds"] = "2",
        ["Aggregator__Sources__SubscriptionsFile"] = opml,
        ["Aggregator__Scheduling__PollTickSeconds"] = "5",
        ["Aggregator__Mail__From"] = "Korea–China monitor <monitor@example.org>",
        ["Aggregator__Mail__Smtp__Host"] = "127.0.0.1",
        ["Aggregator__Mail__Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Aggregator__Mail__Smtp__Security"] = "none",
        ["Aggregator__Mail__TickSeconds"] = "2",
        ["Aggregator__Mail__AlertWindowSeconds"] = "3",
        ["Aggregator__Mail__AlertMaxAgeHours"] = "8760",
        ["Aggregator__Mail__Recipients__0__Address"] = "analyst@example.org",
        ["Aggregator__Mail__Recipients__0__Tags__0"] = "korea-china",
        ["Aggregator__Mail__Recipients__0__Mode"] = "alert",
    };

    private static async Task<string?> ClusterSeenAsync(ServiceProcess instance)
    {
        var ready = JsonDocument.Parse(await instance.Http.GetStringAsync("readyz", Ct)).RootElement;
        return ready.GetProperty("checks").TryGetProperty("cluster", out var cluster) ? cluster.GetString() : null;
    }

    /// <summary>Every outbox message sent, and the SMTP server holding each exactly once; twice
    /// only for a message <paramref name="interrupted"/> (in a killed sender's hands), as a feed
    /// is fetched twice only when its fetcher was killed.</summary>
    private static async Task AlertsDeliveredOnceAsync(string database, SmtpSink smtp, IReadOnlyList<ServiceProcess> instances, HashSet<string> interrupted)
    {
        await WaitAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM mail_outbox WHERE state <> 'sent'") == 0
                && await ScalarAsync(database, "SELECT count(*) FROM mail_outbox") > 0,
            "every alert sent", instances);
        var sent = await RowsAsync(database, "SELECT message_id FROM mail_outbox");
        var received = smtp.Messages().Select(m => m.MessageId ?? "(no Message-ID)").ToList();
        Assert.Equal(sent.Order(StringComparer.Ordinal), received.Distinct().Order(StringComparer.Ordinal)); // no message lost, none unknown
        var copies = received.GroupBy(id => id).Where(g => g.Count() > 1).ToList();
        Assert.All(copies, g => Assert.True(g.Count() == 2 && interrupted.Contains(g.Key),
            $"{g.Key} received {g.Count()} times; only a message a killed instance was sending may arrive twice"));
        // Each story head alerted once (the primary key), and every alerted story was a tagged head.
        Assert.Equal(0, await ScalarAsync(database, "SELECT count(*) FROM mail_alerted a JOIN items i ON i.id = a.item_id WHERE NOT EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = coalesce(i.story_id, i.id) OR t.item_id IN (SELECT m.id FROM items m WHERE m.story_id = coalesce(i.story_id, i.id)))"));
    }

    /// <summary>Items the polled feeds should store: the distinct contents among their entries,
    /// read and hashed by the project's own parser and normalizer, outside any database (the
    /// corpus has copies across feeds, and a few generated texts that normalize alike).</summary>
    private static long ExpectedItems(string corpus, IEnumerable<string> files, int port) => files
        .SelectMany(file =>
        {
            var url = new Uri($"http://127.0.0.1:{port}/{file}");
            var feed = Aggregator.Parsing.Feeds.FeedParser.Parse(File.ReadAllBytes(Path.Combine(corpus, file)), url).Feed!;
            return feed.Entries.Select(e => Aggregator.Ingestion.FeedIngestor.Article(e, feed)).OfType<(string Key, Aggregator.Parsing.ParsedDocument Article)>()
                .DistinctBy(a => a.Key)
                .Select(a => Aggregator.Processing.ContentHash.OfComparable(
                    Aggregator.Processing.TextNormalizer.ForComparison(a.Article.Title), Aggregator.Processing.TextNormalizer.ForComparison(a.Article.Body)));
        })
        .Distinct(StringComparer.Ordinal)
        .LongCount();

    /// <summary>GET requests per corpus file in nginx's access log.</summary>
    private static Dictionary<string, int> Fetches(string accessLog) => File.ReadAllLines(accessLog)
        .Select(l => RequestLine().Match(l))
        .Where(m => m.Success)
        .GroupBy(m => m.Groups[1].Value)
        .ToDictionary(g => g.Key, g => g.Count());

    [GeneratedRegex(@"""GET /([^ ?]+) HTTP/1\.[01]""")]
    private static partial Regex RequestLine();

    /// <summary>Feeds an instance polled, from its "N feed(s) polled:" log lines.</summary>
    private static int PolledFeeds(string log) =>
        PolledLine().Matches(log).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"(\d+) feed\(s\) polled:")]
    private static partial Regex PolledLine();

    /// <summary>What each instance did, for a failure message: its log without the HTTP client's lines.</summary>
    private static string Events(IEnumerable<ServiceProcess> instances) => string.Join("\n----\n", instances.Select(i =>
        string.Join("\n", i.Log.Split('\n').Where(l => !l.Contains("System.Net.Http", StringComparison.Ordinal)).TakeLast(40))));

    private static async Task WriteOpmlAsync(string path, IEnumerable<string> outlines)
    {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\"><head><title>cluster</title></head><body>\n"
            + string.Join("\n", outlines) + "\n</body></opml>\n";
        await File.WriteAllTextAsync(path + ".tmp", text, Ct);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static byte[] ShiftYear(byte[] bytes)
    {
        // "2025" is ASCII in every encoding the corpus uses.
        var result = (byte[])bytes.Clone();
        for (var i = 0; i + 3 < result.Length; i++)
            if (result[i] == '2' && result[i + 1] == '0' && result[i + 2] == '2' && result[i + 3] == '5')
                result[i + 3] = (byte)'6';
        return result;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, IReadOnlyList<ServiceProcess> instances, int seconds = 120, int pollMilliseconds = 250)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(pollMilliseconds, Ct);
        }
        Assert.Fail($"timed out waiting for {what}\n" + Events(instances));
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> RowsAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct)) rows.Add(reader.GetString(0));
        return rows;
    }
}

/// <summary>Roles: a web instance serves what a worker stores and runs no job; a worker polls and
/// imports and serves only its probes.</summary>
public sealed class RoleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_web_instance_serves_what_a_worker_stores_and_runs_no_job()
    {
        var storage = await TestPostgres.EnvironmentAsync(Backend.Postgres);
        using var temp = new TempFolder();
        Dictionary<string, string> Role(string role) => new(storage) { ["Aggregator__Cluster__Role"] = role, ["Aggregator__Cluster__CheckinIntervalSeconds"] = "2" };
        await using var web = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("web"), Role("web"));
        await using var worker = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("worker"), Role("worker"));

        // The worker imports the seeds; the web instance serves them without importing anything.
        await web.WaitUntilAsync(async () =>
            JsonDocument.Parse(await web.Http.GetStringAsync("feeds/all.json", Ct)).RootElement.GetProperty("items").GetArrayLength() == Seeds.TitlesAndDates.Count,
            "the web instance serves the seeds the worker imported");
        Assert.Contains("Imported 5 document(s): 5 new", worker.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Imported", web.Log, StringComparison.Ordinal);

        var webReady = JsonDocument.Parse(await web.Http.GetStringAsync("readyz", Ct)).RootElement.GetProperty("checks");
        Assert.Equal("none: web role", webReady.GetProperty("scheduler").GetString());
        var workerReady = JsonDocument.Parse(await worker.Http.GetStringAsync("readyz", Ct)).RootElement.GetProperty("checks");
        Assert.Equal("running", workerReady.GetProperty("scheduler").GetString());
        Assert.Equal("running", workerReady.GetProperty("poller").GetString());

        // A worker serves its probes and metrics, not the feeds or pages.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await worker.Http.GetAsync("feeds/all.json", Ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await worker.Http.GetAsync("", Ct)).StatusCode);
        Assert.Contains("aggregator_items", await worker.Http.GetStringAsync("metrics", Ct), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await web.Http.GetAsync("", Ct)).StatusCode);
    }
}
