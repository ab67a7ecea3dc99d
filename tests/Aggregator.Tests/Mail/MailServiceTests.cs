using System.Net;
using Aggregator.Tests.TestSupport;
using Dapper;
using MimeKit;

namespace Aggregator.Tests.Mail;

/// <summary>Alerts from the running service: real feeds on loopback, a real SMTP server, the
/// service as a child process stopped with SIGTERM.</summary>
public abstract class MailServiceTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Dictionary<string, string>> EnvironmentAsync(TempFolder temp, int smtpPort, int windowSeconds) => new(await TestPostgres.EnvironmentAsync(backend))
    {
        ["Aggregator__Sources__SubscriptionsFile"] = Path.Combine(temp.Path, "none.opml"),
        ["Aggregator__Sources__DocumentFolders__0"] = temp.Sub("documents"), // no documents: feeds only
        ["Aggregator__Scheduling__PollTickSeconds"] = "5",
        ["Aggregator__Publishing__BaseUrl"] = "https://monitor.example/",
        ["Aggregator__Mail__From"] = "Korea–China monitor <monitor@example.org>",
        ["Aggregator__Mail__Smtp__Host"] = "127.0.0.1",
        ["Aggregator__Mail__Smtp__Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Aggregator__Mail__Smtp__Security"] = "none",
        ["Aggregator__Mail__Smtp__TimeoutSeconds"] = "5",
        ["Aggregator__Mail__TickSeconds"] = "2",
        ["Aggregator__Mail__AlertWindowSeconds"] = windowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Aggregator__Mail__RetryBaseSeconds"] = "1",
        ["Aggregator__Mail__RetryMaxSeconds"] = "2",
        ["Aggregator__Mail__Recipients__0__Address"] = "analyst@example.org",
        ["Aggregator__Mail__Recipients__0__Tags__0"] = "korea-china",
        ["Aggregator__Mail__Recipients__0__Mode"] = "alert",
    };

    private static async Task AddFeedAsync(TempFolder temp, Dictionary<string, string> env, Uri url)
    {
        var added = await Processes.AggregatorAsync(RepoPaths.Root, env, "feeds", "add", url.AbsoluteUri, "--no-check", "--data", temp.Path + "/data");
        Assert.True(added.ExitCode == 0, added.Stderr + added.Stdout);
    }

    /// <summary>Each story's title line in the text parts of all messages: a story alerted twice shows twice.</summary>
    private static List<int> AlertedStories(IEnumerable<MimeMessage> messages) =>
        messages.SelectMany(m => m.TextBody!.Split('\n'))
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^\d+\. Seoul and Beijing talks, round (\d+):"))
            .Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    private static async Task<List<(string State, string? Error)>> OutboxAsync(TempFolder temp, Dictionary<string, string> env)
    {
        await using var db = await TestPostgres.OpenAsync(env, Path.Combine(temp.Path, "data"));
        return (await db.QueryAsync<(string, string?)>("SELECT state, last_error FROM mail_outbox ORDER BY id")).ToList();
    }

    [Fact]
    public async Task Alerts_come_within_a_minute_coalesce_bursts_skip_copies_and_stop_after_unsubscribing()
    {
        SmtpSink.Require();
        using var temp = new TempFolder();
        await using var smtp = await SmtpSink.StartAsync(Path.Combine(temp.Path, "maildir"));
        await using var feeds = await MailFeeds.StartAsync();
        var env = await EnvironmentAsync(temp, smtp.Port, windowSeconds: 10);
        await using var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data"), env);

        // A feed with two new stories: one alert listing both, well within a minute.
        var added = DateTime.UtcNow;
        await AddFeedAsync(temp, env, feeds.Add("a", [1, 2]));
        await service.WaitUntilAsync(() => Task.FromResult(smtp.Messages().Count == 1), "the first alert arrives", 60);
        var first = smtp.Messages()[0];
        Assert.True(DateTime.UtcNow - added < TimeSpan.FromMinutes(1));
        Assert.Equal([1, 2], AlertedStories([first]).Order());
        Assert.Matches(@"^2 new stories: Seoul and Beijing talks, round [12]: .+ and 1 more$", first.Subject); // the newest one named

        // A burst inside the window: a new story, a copy of story 1 from another outlet, another
        // new story from a third feed. One more alert after the window, with the two new ones only.
        await AddFeedAsync(temp, env, feeds.Add("b", [3], copies: [1]));
        await AddFeedAsync(temp, env, feeds.Add("c", [4]));
        await service.WaitUntilAsync(() => Task.FromResult(smtp.Messages().Count == 2), "the second alert arrives", 60);
        var second = smtp.Messages()[1];
        Assert.True(second.Date - first.Date >= TimeSpan.FromSeconds(10), $"coalesced: {first.Date:O} then {second.Date:O}");
        Assert.Equal([3, 4], AlertedStories([second]).Order());
        Assert.Contains("Reported by: Outlet b", second.TextBody); // story 3

        // The copy was stored (it is in the merged feed as "also reported by"), and never alerted.
        var json = await service.Http.GetStringAsync("feeds/all.json", Ct);
        Assert.Contains("Outlet b", json);

        // One-click unsubscribe (RFC 8058) with the message's own link; a forged token is refused.
        var link = new Uri(second.Headers[HeaderId.ListUnsubscribe]!.Split('<', '>')[1]);
        var forged = await service.Http.PostAsync(link.PathAndQuery.Replace("token=", "token=x", StringComparison.Ordinal), new StringContent(""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var page = await service.Http.GetAsync(link.PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(Ct)); // a GET alone unsubscribes nobody
        // The page carries the token: not framed by other sites, not sent on as a referrer.
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        // The address in capitals (retyped, or changed by a mail client) unsubscribes the recipient
        // itself: no more alerts below.
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        var shouted = $"{link.AbsolutePath}?address={Uri.EscapeDataString(query["address"]!.ToUpperInvariant())}&token={query["token"]}";
        var oneClick = await service.Http.PostAsync(shouted, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Ct);
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);

        // New stories after that: stored, and no alert once the window has long passed.
        await AddFeedAsync(temp, env, feeds.Add("d", [5]));
        await service.WaitUntilAsync(async () => (await service.Http.GetStringAsync("feeds/all.json", Ct)).Contains("round 5", StringComparison.Ordinal), "story 5 is stored", 60);
        await Task.Delay(TimeSpan.FromSeconds(14), Ct);
        Assert.Equal(2, smtp.Messages().Count);
        Assert.Equal([1, 2, 3, 4], AlertedStories(smtp.Messages()).Order());
        Assert.Contains("Mail is on: 1 alert recipient and 0 digest recipients, through ", service.Log);
        Assert.Equal(0, await service.StopAsync());

        // Started again, the service says who still gets mail: the recipient who unsubscribed is
        // counted apart (it was counted as a recipient).
        await using var again = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data"), env);
        Assert.Contains("Mail is on: 0 alert recipients and 0 digest recipients (1 more unsubscribed), through ", again.Log);
        Assert.Equal(0, await again.StopAsync());
    }

    [Fact]
    public async Task An_SMTP_outage_and_a_restart_lose_nothing_and_double_nothing()
    {
        SmtpSink.Require();
        using var temp = new TempFolder();
        await using var smtp = new SmtpSink(Path.Combine(temp.Path, "maildir")); // down
        await using var feeds = await MailFeeds.StartAsync();
        var env = await EnvironmentAsync(temp, smtp.Port, windowSeconds: 0);
        var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data"), env);
        try
        {
            // Stories arrive while the server is down: the alert waits in the outbox with the reason.
            await AddFeedAsync(temp, env, feeds.Add("a", [11, 12]));
            await service.WaitUntilAsync(async () => await OutboxAsync(temp, env) is [("queued", { } error)] && error.Contains("127.0.0.1", StringComparison.Ordinal),
                "the first alert is queued and failing", 60);

            // The service restarts (SIGTERM) while the server is still down; more stories arrive.
            Assert.Equal(0, await service.StopAsync());
            await service.DisposeAsync();
            service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, Path.Combine(temp.Path, "data"), env);
            await AddFeedAsync(temp, env, feeds.Add("b", [13], copies: [11]));
            await service.WaitUntilAsync(async () => await OutboxAsync(temp, env) is [("queued", _), ("queued", _)], "the second alert is queued", 60);
            Assert.Empty(smtp.Messages());

            // The server comes up: each alert arrives once, each story in exactly one of them.
            await smtp.UpAsync();
            await service.WaitUntilAsync(async () => await OutboxAsync(temp, env) is [("sent", _), ("sent", _)], "both alerts are sent", 60);
            await Task.Delay(TimeSpan.FromSeconds(5), Ct); // a few more ticks: nothing further goes out
            Assert.Equal(2, smtp.Messages().Count);
            Assert.Equal(2, smtp.Messages().Select(m => m.MessageId).Distinct().Count());
            Assert.Equal([11, 12, 13], AlertedStories(smtp.Messages()).Order());
            Assert.Equal(0, await service.StopAsync());
        }
        finally
        {
            await service.DisposeAsync();
        }
    }
}

public sealed class MailServiceTestsOnSqlite() : MailServiceTests(Backend.Sqlite);

public sealed class MailServiceTestsOnPostgres() : MailServiceTests(Backend.Postgres);
