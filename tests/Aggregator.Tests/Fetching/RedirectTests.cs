using System.Collections.Concurrent;
using Aggregator.Fetching;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Aggregator.Tests.TestSupport.LoopbackFeeds;

namespace Aggregator.Tests.Fetching;

/// <summary>Feeds that move: where a permanent redirect takes the stored address, what goes
/// with it (credentials only within one site), and the host a redirected request counts against.
/// Each server is its own port, so its own site and its own host.</summary>
public abstract class RedirectTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<TestServices> ServicesAsync(params (string Key, string Value)[] settings) => LoopbackFeeds.ServicesAsync(backend, settings);

    [Fact]
    public async Task Credentials_stay_behind_when_a_feed_moves_to_another_site()
    {
        var sentTo = new ConcurrentQueue<(int Port, string? Authorization)>();
        await using var target = await LoopbackServer.StartAsync(app => app.MapGet("/feed.xml", (HttpContext c) =>
        {
            sentTo.Enqueue((c.Connection.LocalPort, c.Request.Headers.Authorization.FirstOrDefault()));
            return Results.Text(FeedPollingTests.Rss, "application/rss+xml");
        }));
        await using var old = await LoopbackServer.StartAsync(app => app.MapGet("/feed.xml", (HttpContext c) =>
        {
            sentTo.Enqueue((c.Connection.LocalPort, c.Request.Headers.Authorization.FirstOrDefault()));
            return Results.Redirect(target.Url("feed.xml").AbsoluteUri, permanent: true);
        }));
        await using var app = await ServicesAsync();
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(old.Url("feed.xml").AbsoluteUri, null, Credentials: new FeedCredentials("alice", "secret")), Ct);
        var feed = (await app.Get<FeedStore>().ListAsync(Ct)).Single();

        await PollAsync(app);
        await PollAsync(app);

        var state = await StateAsync(app, feed.Id);
        Assert.Equal(target.Url("feed.xml").AbsoluteUri, state.Url);
        Assert.Null(state.Username);
        Assert.Contains("moved permanently to another site", state.Warning, StringComparison.Ordinal);
        Assert.NotNull(sentTo.Single(s => s.Port == old.BaseUrl.Port).Authorization); // the old site was signed in to
        Assert.Equal([null, null], sentTo.Where(s => s.Port == target.BaseUrl.Port).Select(s => s.Authorization)); // the new one never
    }

    [Fact]
    public async Task Credentials_go_along_when_a_feed_moves_within_its_site()
    {
        string? signedIn = null;
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/old.xml", () => Results.Redirect("/new.xml", permanent: true));
            app.MapGet("/new.xml", (HttpContext c) =>
            {
                signedIn = c.Request.Headers.Authorization.FirstOrDefault();
                return Results.Text(FeedPollingTests.Rss, "application/rss+xml");
            });
        });
        await using var app = await ServicesAsync();
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url("old.xml").AbsoluteUri, null, Credentials: new FeedCredentials("alice", "secret")), Ct);
        var feed = (await app.Get<FeedStore>().ListAsync(Ct)).Single();

        await PollAsync(app);
        await PollAsync(app);

        var state = await StateAsync(app, feed.Id);
        Assert.Equal((server.Url("new.xml").AbsoluteUri, "alice"), (state.Url, state.Username));
        Assert.Null(state.Warning);
        Assert.StartsWith("Basic ", signedIn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_permanent_redirect_to_a_page_that_is_no_feed_keeps_the_address_subscribed()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/feed.xml", () => Results.Redirect("/parked", permanent: true));
            app.MapGet("/parked", () => Results.Text("<!DOCTYPE html><html><head><title>This domain is for sale</title></head><body>Buy it</body></html>", "text/html"));
        });
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("feed.xml"));

        await PollAsync(app);

        var state = await StateAsync(app, feed.Id);
        Assert.Equal(server.Url("feed.xml").AbsoluteUri, state.Url);
        Assert.Contains("not a feed", state.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_target_with_a_fragment_is_the_feed_already_subscribed_without_it()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/old.xml", () => Results.Redirect("/feed.xml#top", permanent: true));
            app.MapGet("/feed.xml", () => Results.Text(FeedPollingTests.Rss, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        var old = await FeedAsync(app, server.Url("old.xml"));
        await FeedAsync(app, server.Url("feed.xml"));

        await PollAsync(app);

        var state = await StateAsync(app, old.Id);
        Assert.Equal(server.Url("old.xml").AbsoluteUri, state.Url);
        Assert.Contains($"moved permanently to {server.Url("feed.xml").AbsoluteUri}, which is subscribed too", state.Warning, StringComparison.Ordinal);
        Assert.DoesNotContain(await app.RowsAsync("SELECT url FROM feeds"), url => url.Contains('#', StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_401_after_a_redirect_to_another_site_says_the_credentials_were_not_sent_there()
    {
        await using var target = await LoopbackServer.StartAsync(app => app.MapGet("/feed.xml", () => Results.StatusCode(401)));
        await using var old = await LoopbackServer.StartAsync(app => app.MapGet("/feed.xml", () => Results.Redirect(target.Url("feed.xml").AbsoluteUri)));
        await using var app = await ServicesAsync();
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(old.Url("feed.xml").AbsoluteUri, null, Credentials: new FeedCredentials("alice", "secret")), Ct);
        var feed = (await app.Get<FeedStore>().ListAsync(Ct)).Single();

        await PollAsync(app);

        Assert.Contains("not sent to another", (await StateAsync(app, feed.Id)).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feeds_redirected_to_one_host_keep_to_its_limit_and_none_times_out_waiting_for_it()
    {
        // Six sites send their feeds to one feed service that takes 400 ms an answer. Queued in the
        // HTTP handler with their time limit running, most timed out; waiting for that host's
        // turn as the feeds subscribed there do, each takes 400 ms of its own time.
        await using var service = await LoopbackServer.StartAsync(app => app.MapGet("/{name}.xml", async (string name) =>
        {
            await Task.Delay(400);
            return Results.Text(FeedPollingTests.Rss.Replace("urn:x:", $"urn:{name}:", StringComparison.Ordinal), "application/rss+xml");
        }));
        var sites = new List<LoopbackServer>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var name = $"site{i}";
                sites.Add(await LoopbackServer.StartAsync(app => app.MapGet("/feed", () => Results.Redirect(service.Url($"{name}.xml").AbsoluteUri))));
            }
            await using var app = await ServicesAsync(("Fetching:ConnectTimeoutSeconds", "1"), ("Fetching:TimeoutSeconds", "1"), ("Fetching:MaxPerHost", "2"));
            foreach (var site in sites) await FeedAsync(app, site.Url("feed"));

            var summary = await PollAsync(app);

            Assert.Equal((6, 0), (summary.Fetched, summary.Failed));
            Assert.Equal(2, service.MaxInFlight);
        }
        finally
        {
            foreach (var site in sites) await site.DisposeAsync();
        }
    }
}

public sealed class RedirectTestsOnSqlite() : RedirectTests(Backend.Sqlite);

public sealed class RedirectTestsOnPostgres() : RedirectTests(Backend.Postgres);
