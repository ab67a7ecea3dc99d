using System.IO.Compression;
using System.Text;
using Aggregator.Ingestion;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Aggregator.Tests.TestSupport.LoopbackFeeds;

namespace Aggregator.Tests.Fetching;

/// <summary>Polling real HTTP servers on loopback into a real SQLite file: conditional GET,
/// redirects, 410, 429, slow and oversize bodies, gzip bombs, loops, charsets, HTML pages,
/// concurrency limits, and one bad feed among good ones.</summary>
public abstract class FeedPollingTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public const string Rss = """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>Loopback Wire</title><link>http://example.org/</link>
        <item><title>China and South Korea resume talks</title><link>http://example.org/1</link><guid>urn:x:1</guid>
          <pubDate>Mon, 03 Nov 2025 09:00:00 KST</pubDate>
          <description>&lt;p&gt;China and South Korea resumed trade talks in Seoul. Beijing and Seoul agreed to meet again.&lt;/p&gt;</description></item>
        <item><title>Weather</title><link>http://example.org/2</link><guid>urn:x:2</guid><description>Sunny.</description></item>
        </channel></rss>
        """;

    private Task<TestServices> ServicesAsync(params (string Key, string Value)[] settings) => LoopbackFeeds.ServicesAsync(backend, settings);

    [Fact]
    public async Task A_200_with_an_etag_then_a_304_that_costs_no_parsing_or_item_writes()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed.xml", (HttpContext c) =>
        {
            c.Response.Headers.ETag = "\"v1\"";
            return c.Request.Headers.IfNoneMatch == "\"v1\"" ? Results.StatusCode(304) : Results.Text(Rss, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("feed.xml"));

        var first = await PollAsync(app);
        var rows = await app.RowsAsync("SELECT id, content_hash, updated_at FROM items UNION ALL SELECT id, content_hash, last_changed_at FROM sightings");
        var second = await PollAsync(app);

        Assert.Equal((1, 2), (first.Fetched, first.Inserted));
        Assert.Equal((1, 0), (second.NotModified, second.Inserted + second.Unchanged));
        Assert.Equal(rows, await app.RowsAsync("SELECT id, content_hash, updated_at FROM items UNION ALL SELECT id, content_hash, last_changed_at FROM sightings"));
        var state = await StateAsync(app, feed.Id);
        Assert.Equal(304, state.LastStatus);
        Assert.Equal("\"v1\"", state.Etag);
        Assert.Equal("\"v1\"", server.Requests.Last().IfNoneMatch);
        Assert.StartsWith("Aggregator/", server.Requests.Last().UserAgent, StringComparison.Ordinal);
        Assert.Contains("br", server.Requests.Last().AcceptEncoding, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetBytes(Rss), await app.Get<FeedStore>().LastBodyAsync(feed.Id, Ct)); // the raw bytes of the last successful fetch are kept
        Assert.Equal("gzip", await app.ScalarAsync<string>("SELECT encoding FROM feed_bodies"));
    }

    /// <summary>Many servers answer every request with a 200 (no validators, or a new ETag each
    /// time) although nothing changed: the same bytes again cost what a 304 costs.</summary>
    [Fact]
    public async Task The_same_bytes_again_from_a_server_without_conditional_requests_cost_no_parsing_or_item_writes()
    {
        var body = Rss;
        var etag = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed.xml", (HttpContext c) =>
        {
            c.Response.Headers.ETag = $"\"{++etag}\""; // a new one every time, as some CDNs do
            return Results.Text(body, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("feed.xml"));

        var first = await PollAsync(app);
        var stored = await app.RowsAsync("SELECT fetched_at FROM feed_bodies UNION ALL SELECT updated_at FROM items UNION ALL SELECT last_changed_at FROM sightings");
        var second = await PollAsync(app);

        Assert.Equal((1, 2), (first.Fetched, first.Inserted));
        Assert.Equal((0, 1, 0), (second.Fetched, second.NotModified, second.Inserted + second.Unchanged));
        Assert.Equal(stored, await app.RowsAsync("SELECT fetched_at FROM feed_bodies UNION ALL SELECT updated_at FROM items UNION ALL SELECT last_changed_at FROM sightings"));
        var state = await StateAsync(app, feed.Id);
        Assert.Equal((200, 0L, "\"2\""), (state.LastStatus, state.ConsecutiveErrors, state.Etag));

        // Changed bytes are read; so are the same bytes under another encoding override.
        body = Rss.Replace("Sunny.", "Rain.", StringComparison.Ordinal);
        var third = await PollAsync(app);
        Assert.Equal((1, 1, 1), (third.Fetched, third.Updated, third.Unchanged));
        await app.Get<FeedStore>().ApplyAsync([new FeedSubscription(server.Url("feed.xml").ToString(), null, EncodingOverride: "utf-8")], [], null, false, Ct);
        var fourth = await PollAsync(app);
        Assert.Equal((1, 2), (fourth.Fetched, fourth.Unchanged));
    }

    [Fact]
    public async Task A_permanent_redirect_chain_updates_the_stored_url_and_a_temporary_one_does_not()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/old", () => Results.Redirect("/mid", permanent: true));
            app.MapGet("/mid", () => Results.Redirect("/new.xml", permanent: true, preserveMethod: true));
            app.MapGet("/temp", () => Results.Redirect("/new.xml"));
            app.MapGet("/new.xml", () => Results.Text(Rss, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        var moved = await FeedAsync(app, server.Url("old"));
        var temporary = await FeedAsync(app, server.Url("temp"));

        await PollAsync(app);

        Assert.Equal(server.Url("new.xml").ToString(), (await StateAsync(app, moved.Id)).Url);
        Assert.Equal(server.Url("temp").ToString(), (await StateAsync(app, temporary.Id)).Url);
        // The address the subscriber knows still names the moved feed.
        Assert.True(await app.Get<FeedStore>().EditAsync(server.Url("old").ToString(), "Renamed", null, Ct));
        Assert.Equal("Renamed", (await StateAsync(app, moved.Id)).CustomTitle);
        Assert.True(await app.Get<FeedStore>().RemoveAsync(server.Url("old").ToString(), Ct));
        Assert.Equal([temporary.Id], (await app.Get<FeedStore>().ListAsync(Ct)).Select(f => f.Id));
    }

    [Fact]
    public async Task Gone_stops_polling_and_says_so_until_the_feed_is_resumed()
    {
        var back = false;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/gone.xml", () => back ? Results.Text(Rss, "application/rss+xml") : Results.StatusCode(410)));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("gone.xml"));

        var first = await PollAsync(app);
        await PollAsync(app);

        Assert.Equal(1, first.Gone);
        Assert.Equal(1, server.Count("/gone.xml"));
        var state = await StateAsync(app, feed.Id);
        Assert.True(state.Gone);
        Assert.Contains("410", state.LastError, StringComparison.Ordinal);

        // The publisher put it back (or the 410 was a mistake): resuming polls it again.
        back = true;
        Assert.True(await app.Get<FeedStore>().EditAsync(feed.Url, null, null, Ct, enabled: true));
        Assert.Null((await StateAsync(app, feed.Id)).LastError); // not "polling stopped" while it is due
        var resumed = await PollAsync(app);
        Assert.Equal(1, resumed.Fetched);
        var after = await StateAsync(app, feed.Id);
        Assert.Equal((false, 0L, null), (after.Gone, after.ConsecutiveErrors, after.LastError));
    }

    [Theory]
    [InlineData(429, "120", 120)]
    [InlineData(429, "date", 3600)]
    [InlineData(503, "900", 900)]
    [InlineData(503, "2147483648", 24 * 3600)] // past 2³¹: "a very long time" (RFC 9111), capped at the upper bound like any wait
    public async Task Too_many_requests_and_unavailable_honour_retry_after(int status, string header, int seconds)
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/busy.xml", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = header == "date" ? DateTime.UtcNow.AddSeconds(seconds).ToString("R") : header;
            return Results.StatusCode(status);
        }));
        await using var app = await ServicesAsync(("Scheduling:MinPollMinutes", "1"));
        var feed = await FeedAsync(app, server.Url("busy.xml"));
        var before = DateTime.UtcNow;

        await PollAsync(app);

        var state = await StateAsync(app, feed.Id);
        Assert.Equal(status, state.LastStatus);
        Assert.Equal(1, state.ConsecutiveErrors);
        Assert.True(state.NextPollAt >= before.AddSeconds(seconds - 5), $"next poll {state.NextPollAt:o} is sooner than Retry-After {seconds} s");

        // An edit that would poll sooner (an upper bound of a minute, resuming) waits for the server too.
        var url = server.Url("busy.xml").ToString();
        Assert.True(await app.Get<FeedStore>().EditAsync(url, null, null, Ct, enabled: true, bounds: (null, TimeSpan.FromMinutes(1))));
        var edited = await StateAsync(app, feed.Id);
        Assert.Equal(state.NextPollAt, edited.NextPollAt);
    }

    [Fact]
    public async Task Failures_back_off_exponentially_and_the_feed_stays_listed_with_its_reason()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/missing.xml", () => Results.NotFound()));
        await using var app = await ServicesAsync(("Scheduling:MinPollMinutes", "5"));
        var feed = await FeedAsync(app, server.Url("missing.xml"));
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var before = DateTime.UtcNow;
            await PollAsync(app);
            waits.Add((await StateAsync(app, feed.Id)).NextPollAt - before);
        }
        var state = await StateAsync(app, feed.Id);
        Assert.Equal((404, 3L), (state.LastStatus, state.ConsecutiveErrors));
        Assert.Contains("HTTP 404", state.LastError, StringComparison.Ordinal);
        // 5, 10, 20 minutes, each spread by jitter of up to a tenth either way (never under the 5-minute bound).
        Assert.True(waits[0] >= TimeSpan.FromMinutes(5) && waits[0] <= TimeSpan.FromMinutes(5.6)
            && waits[1] >= TimeSpan.FromMinutes(9) && waits[1] <= TimeSpan.FromMinutes(11.1)
            && waits[2] >= TimeSpan.FromMinutes(18) && waits[2] <= TimeSpan.FromMinutes(22.1), string.Join(", ", waits));
    }

    [Fact]
    public async Task A_body_that_trickles_slower_than_the_timeout_is_abandoned()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/slow.xml", async (HttpContext c) =>
        {
            c.Response.ContentType = "application/rss+xml";
            await c.Response.WriteAsync("<rss version=\"2.0\"><channel>", c.RequestAborted);
            for (var i = 0; i < 40 && !c.RequestAborted.IsCancellationRequested; i++)
            {
                await c.Response.WriteAsync(" ", c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
                await Task.Delay(250, c.RequestAborted);
            }
        }));
        await using var app = await ServicesAsync(("Fetching:TimeoutSeconds", "2"), ("Fetching:ConnectTimeoutSeconds", "1"));
        var feed = await FeedAsync(app, server.Url("slow.xml"));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var summary = await PollAsync(app);

        Assert.Equal(1, summary.Failed);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed}");
        Assert.Contains("timed out after 2 s", (await StateAsync(app, feed.Id)).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversize_body_and_a_gzip_bomb_stop_at_the_limit()
    {
        var bomb = new MemoryStream();
        using (var gzip = new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++) gzip.Write(zeros); // 64 MB of zeros, about 64 KB compressed
        }
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/big.xml", () => Results.Text(Rss + new string(' ', 200_000), "application/rss+xml"));
            app.MapGet("/bomb.xml", (HttpContext c) =>
            {
                c.Response.Headers.ContentEncoding = "gzip";
                return Results.Bytes(bomb.ToArray(), "application/rss+xml");
            });
        });
        await using var app = await ServicesAsync(("Fetching:MaxBodyBytes", "100000"));
        var big = await FeedAsync(app, server.Url("big.xml"));
        var gz = await FeedAsync(app, server.Url("bomb.xml"));

        var memoryBefore = GC.GetTotalMemory(true);
        await PollAsync(app);

        Assert.Contains("over the limit of 100,000", (await StateAsync(app, big.Id)).LastError, StringComparison.Ordinal);
        Assert.Contains("after decompression", (await StateAsync(app, gz.Id)).LastError, StringComparison.Ordinal);
        Assert.True(GC.GetTotalMemory(false) - memoryBefore < 32 << 20, "reading stopped at the limit");
    }

    [Theory]
    [InlineData("br")]
    [InlineData("deflate")]
    [InlineData("raw deflate")] // what servers also send as "deflate": no zlib wrapping
    [InlineData("gzip")]
    public async Task Compressed_bodies_are_decoded(string coding)
    {
        var body = new MemoryStream();
        await using (Stream compressor = coding switch
        {
            "br" => new BrotliStream(body, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(body, CompressionLevel.Fastest, leaveOpen: true),
            "raw deflate" => new DeflateStream(body, CompressionLevel.Fastest, leaveOpen: true),
            // Not the level the store compresses at: the bytes stored tell whose gzip they are.
            _ => new GZipStream(body, CompressionLevel.SmallestSize, leaveOpen: true),
        })
            await compressor.WriteAsync(Encoding.UTF8.GetBytes(Rss), Ct);
        Assert.NotEqual(FeedBodies.Gzip(Encoding.UTF8.GetBytes(Rss)), body.ToArray());
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/packed.xml", (HttpContext c) =>
        {
            c.Response.Headers.ContentEncoding = coding.Replace("raw ", "", StringComparison.Ordinal);
            return Results.Bytes(body.ToArray(), "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("packed.xml"));

        var summary = await PollAsync(app);

        Assert.Equal((1, 2), (summary.Fetched, summary.Inserted));
        Assert.Equal(Encoding.UTF8.GetBytes(Rss), await app.Get<FeedStore>().LastBodyAsync(feed.Id, Ct));
        var stored = await app.ScalarAsync<byte[]>("SELECT body FROM feed_bodies");
        if (coding == "gzip")
            Assert.Equal(body.ToArray(), stored); // the server's gzip, stored as it came
        else
            Assert.Equal(Encoding.UTF8.GetBytes(Rss), FeedBodies.Gunzip(stored));
    }

    [Fact]
    public async Task A_redirect_loop_is_an_error_naming_it()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/a", () => Results.Redirect("/b"));
            app.MapGet("/b", () => Results.Redirect("/a"));
        });
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("a"));

        await PollAsync(app);

        Assert.Contains("redirect loop", (await StateAsync(app, feed.Id)).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Charsets_from_http_from_the_declaration_a_wrong_declaration_and_an_override()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var korean = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>연합</title><item><guid>k1</guid><title>한중 외교장관 회담</title><description>중국과 한국은 서울에서 회담했다.</description></item></channel></rss>";
        var eucKr = Encoding.GetEncoding("euc-kr").GetBytes(korean);
        var utf8Declared8859 = Encoding.UTF8.GetBytes(korean.Replace("<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", StringComparison.Ordinal));
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/http-charset.xml", () => Results.Bytes(eucKr, "application/rss+xml; charset=euc-kr"));
            app.MapGet("/wrong-declaration.xml", () => Results.Bytes(utf8Declared8859, "application/rss+xml"));
            app.MapGet("/undeclared.xml", () => Results.Bytes(eucKr, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("http-charset.xml"));
        await FeedAsync(app, server.Url("wrong-declaration.xml"));
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url("undeclared.xml").ToString(), null, EncodingOverride: "cp949"), Ct);

        await PollAsync(app);

        var titles = await app.RowsAsync("SELECT title FROM items");
        Assert.Equal(["한중 외교장관 회담"], titles); // one item, seen by three feeds
        Assert.Equal(3, await app.ScalarAsync<long>("SELECT count(*) FROM sightings"));
    }

    [Fact]
    public async Task An_html_page_is_not_a_feed_and_names_the_feeds_it_advertises()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/page", () => Results.Content("""
            <!DOCTYPE html><html><head><title>News</title>
            <link rel="alternate" type="application/rss+xml" href="/rss.xml">
            <link rel="alternate" type="application/atom+xml" href="https://example.org/atom">
            </head><body>Hello</body></html>
            """, "text/html")));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("page"));

        await PollAsync(app);

        var error = (await StateAsync(app, feed.Id)).LastError;
        Assert.Contains("not a feed", error, StringComparison.Ordinal);
        Assert.Contains(server.Url("rss.xml").ToString(), error, StringComparison.Ordinal);
        Assert.Contains("https://example.org/atom", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrency_stays_within_the_global_and_per_host_limits_and_a_slow_host_does_not_hold_up_others()
    {
        static void Slow(WebApplication app) => app.MapGet("/f/{n}.xml", async (int n) =>
        {
            await Task.Delay(300);
            return Results.Text(Rss.Replace("urn:x:", $"urn:{n}:", StringComparison.Ordinal), "application/rss+xml");
        });
        await using var slow = await LoopbackServer.StartAsync(Slow, "127.0.0.1");
        await using var fast = await LoopbackServer.StartAsync(app => app.MapGet("/quick.xml", () => Results.Text(Rss, "application/rss+xml")), "127.0.0.2");
        await using var app = await ServicesAsync(("Fetching:MaxConcurrency", "3"), ("Fetching:MaxPerHost", "2"));
        for (var i = 0; i < 8; i++) await FeedAsync(app, slow.Url($"f/{i}.xml"));
        var quick = await FeedAsync(app, fast.Url("quick.xml"));

        var summary = await PollAsync(app);

        Assert.Equal(9, summary.Fetched);
        Assert.Equal(2, slow.MaxInFlight);
        Assert.Equal(200, (await StateAsync(app, quick.Id)).LastStatus);
    }

    /// <summary>More feeds of a host that never answers than a cycle claims ahead fill the claim
    /// window; feeds of another host added once the cycle runs wait for room. After the dead
    /// host's first timeouts its other feeds are not tried in this cycle, so the window empties in
    /// one timeout, not after 200 feeds' timeouts two at a time (over three minutes here).</summary>
    [Fact]
    public async Task Feeds_of_a_host_that_never_answers_do_not_hold_up_the_other_hosts()
    {
        await using var dead = await LoopbackServer.StartAsync(app => app.MapGet("/d/{n}.xml", async (HttpContext c) => await Task.Delay(Timeout.Infinite, c.RequestAborted)));
        await using var live = await LoopbackServer.StartAsync(app => app.MapGet("/l/{n}.xml", (int n) =>
            Results.Text(Rss.Replace("urn:x:", $"urn:{n}:", StringComparison.Ordinal), "application/rss+xml")), "127.0.0.2");
        await using var app = await ServicesAsync(("Fetching:TimeoutSeconds", "2"));
        var store = app.Get<FeedStore>();
        await store.AddAsync([.. Enumerable.Range(0, 200).Select(n => new FeedSubscription(dead.Url($"d/{n}.xml").AbsoluteUri, null))], Ct);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var cycle = PollAsync(app);
        await Task.Delay(300, Ct);
        await store.AddAsync([.. Enumerable.Range(0, 10).Select(n => new FeedSubscription(live.Url($"l/{n}.xml").AbsoluteUri, null))], Ct);
        var summary = await cycle.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var took = watch.Elapsed;

        Assert.Equal((10, 200), (summary.Fetched, summary.Failed));
        Assert.True(took < TimeSpan.FromSeconds(10), $"the cycle took {took.TotalSeconds:F1} s");
        Assert.Equal(2, dead.MaxInFlight);
        Assert.InRange(dead.Requests.Count, 2, 4); // its first turns only
        var states = await store.ListAsync(Ct);
        Assert.Equal(198, states.Count(f => f.LastError?.StartsWith($"not tried: {dead.BaseUrl.Authority} did not answer another of this cycle's fetches", StringComparison.Ordinal) == true));
        Assert.All(states.Where(f => f.LastError is not null), f => Assert.True(f.NextPollAt > DateTime.UtcNow)); // each with its backoff, tried again later
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM feeds WHERE claimed_by IS NOT NULL"));
    }

    /// <summary>Five hosts that never answer (ten fetch slots' worth, more than the cycle's eight)
    /// and a host that redirects 60 feeds to one of them: after each dead host's first timeouts,
    /// its other feeds are not tried in this cycle, so the live host's feeds are not held up for
    /// timeout after timeout, and the cycle ends in a few timeouts, not dozens.</summary>
    [Fact]
    public async Task Hosts_that_never_answer_cost_a_timeout_each_not_one_per_feed()
    {
        static void Dead(WebApplication app) => app.MapGet("/{n}.xml", async (HttpContext c) => await Task.Delay(Timeout.Infinite, c.RequestAborted));
        var dead = new List<LoopbackServer>();
        for (var i = 3; i <= 7; i++) dead.Add(await LoopbackServer.StartAsync(Dead, $"127.0.0.{i}"));
        await using var redirector = await LoopbackServer.StartAsync(app => app.MapGet("/r/{n}.xml", (int n) => Results.Redirect(dead[0].Url($"{n}.xml").ToString())), "127.0.0.8");
        await using var live = await LoopbackServer.StartAsync(app => app.MapGet("/l/{n}.xml", (int n) =>
            Results.Text(Rss.Replace("urn:x:", $"urn:{n}:", StringComparison.Ordinal), "application/rss+xml")), "127.0.0.2");
        try
        {
            await using var app = await ServicesAsync(("Fetching:TimeoutSeconds", "2"));
            var store = app.Get<FeedStore>();
            foreach (var host in dead)
                await store.AddAsync([.. Enumerable.Range(0, 10).Select(n => new FeedSubscription(host.Url($"{n}.xml").AbsoluteUri, null))], Ct);
            await store.AddAsync([.. Enumerable.Range(100, 60).Select(n => new FeedSubscription(redirector.Url($"r/{n}.xml").AbsoluteUri, null))], Ct);
            await store.AddAsync([.. Enumerable.Range(0, 5).Select(n => new FeedSubscription(live.Url($"l/{n}.xml").AbsoluteUri, null))], Ct);

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var summary = await PollAsync(app);
            var took = watch.Elapsed;

            Assert.Equal((5, 110), (summary.Fetched, summary.Failed));
            Assert.True(took < TimeSpan.FromSeconds(12), $"the cycle took {took.TotalSeconds:F1} s"); // one feed per timeout per slot: over 50 s
            var errors = (await store.ListAsync(Ct)).Where(f => f.LastError is not null).Select(f => f.LastError!).ToList();
            Assert.Contains(errors, e => e.StartsWith("timed out after 2 s waiting for the server to answer", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.StartsWith($"not tried: {dead[1].BaseUrl.Authority} did not answer another of this cycle's fetches (timed out after 2 s", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.StartsWith($"not tried: {dead[0].BaseUrl.Authority} did not answer", StringComparison.Ordinal));
            Assert.All(dead, host => Assert.InRange(host.Requests.Count, 1, 4)); // its first turns, not a request per feed
        }
        finally
        {
            foreach (var host in dead) await host.DisposeAsync();
        }
    }

    /// <summary>Feeds that wait longer than their claim's lease for a slow host's turn: the cycle
    /// renews its claims, so none is claimed again and fetched twice (70 feeds of a host answering
    /// in 20 s fetched 12 of them twice with the ten-minute lease).</summary>
    [Fact]
    public async Task Feeds_that_wait_longer_than_their_lease_for_a_slow_host_are_fetched_once()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/s/{n}.xml", async (int n) =>
        {
            await Task.Delay(1500);
            return Results.Text(Rss.Replace("urn:x:", $"urn:{n}:", StringComparison.Ordinal), "application/rss+xml");
        }));
        await using var app = await ServicesAsync(("Fetching:MaxPerHost", "1"), ("Scheduling:ClaimLeaseSeconds", "3"), ("Scheduling:PollTickSeconds", "5"));
        for (var n = 0; n < 6; n++) await FeedAsync(app, server.Url($"s/{n}.xml"));

        var summary = await PollAsync(app); // the last waits 7.5 s for its turn, the lease is 3 s

        Assert.Equal((6, 6), (summary.Feeds, summary.Fetched));
        Assert.All(Enumerable.Range(0, 6), n => Assert.Equal(1, server.Count($"/s/{n}.xml")));
    }

    [Fact]
    public async Task One_broken_feed_never_stops_the_rest()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/good.xml", () => Results.Text(Rss, "application/rss+xml"));
            app.MapGet("/garbage.xml", () => Results.Text("<<<not xml at all", "application/rss+xml"));
            app.MapGet("/empty.xml", () => Results.Text("", "application/rss+xml"));
            app.MapGet("/error.xml", () => Results.StatusCode(500));
        });
        await using var app = await ServicesAsync();
        foreach (var path in new[] { "garbage.xml", "empty.xml", "error.xml", "good.xml" })
            await FeedAsync(app, server.Url(path));
        await app.Get<FeedStore>().AddAsync(new FeedSubscription("http://127.0.0.1:9/refused.xml", null), Ct); // nothing listens on port 9

        var summary = await PollAsync(app);

        Assert.Equal((1, 4, 2), (summary.Fetched, summary.Failed, summary.Inserted));
        var failing = (await app.Get<FeedStore>().ListAsync(Ct)).Where(f => f.ConsecutiveErrors > 0).ToList();
        Assert.Equal(4, failing.Count);
        Assert.All(failing, f => Assert.False(string.IsNullOrWhiteSpace(f.LastError)));
        Assert.All(failing, f => Assert.True(f.NextPollAt > DateTime.UtcNow));
    }

    [Fact]
    public async Task The_interval_a_feed_asks_for_holds_after_it_answers_304()
    {
        await using var server = await WithEtagAsync("/ttl.xml", BusyRss("Busy", "<ttl>2880</ttl>"));
        await using var app = await ServicesAsync(("Scheduling:MaxPollMinutes", "4320"));
        var row = await FeedAsync(app, server.Url("ttl.xml"));

        await PollAsync(app);
        var afterFull = (await StateAsync(app, row.Id)).NextPollAt;
        var before = DateTime.UtcNow;
        var second = await PollAsync(app);
        var after304 = (await StateAsync(app, row.Id)).NextPollAt;

        Assert.Equal(1, second.NotModified);
        // 20 entries an hour would mean every 5 minutes; the feed asks for 48 hours, with a body or without.
        Assert.True(afterFull >= before.AddHours(47.9), $"after the full fetch: {afterFull:o}");
        Assert.True(after304 >= before.AddHours(47.9), $"after the 304: {after304:o}");
    }

    /// <summary>A burst of posts, then only 304s: the rate is counted again at each 304 from the
    /// dates kept at the last full fetch, so the feed slows down as they age. Time passing is
    /// played by moving those dates back ten days.</summary>
    [Fact]
    public async Task A_feed_that_falls_quiet_is_polled_less_often_though_it_only_answers_304()
    {
        var now = DateTime.UtcNow;
        await using var server = await WithEtagAsync("/burst.xml", BusyRss("Burst"));
        await using var app = await ServicesAsync();
        var row = await FeedAsync(app, server.Url("burst.xml"));

        await PollAsync(app);
        var busy = await StateAsync(app, row.Id);
        var stored = Aggregator.Scheduling.PollPlanner.ReadStoredDates(busy.EntryDates)!;
        var tenDaysOn = Aggregator.Scheduling.PollPlanner.StoredDates([.. stored.Select(d => d.AddDays(-10))]);
        await app.ExecuteAsync($"UPDATE feeds SET entry_dates = '{tenDaysOn}' WHERE id = {row.Id}");
        var before = DateTime.UtcNow;
        var second = await PollAsync(app);
        var quiet = await StateAsync(app, row.Id);

        Assert.Equal(20, stored.Count);
        Assert.True(busy.NextPollAt < now.AddMinutes(10), $"busy: {busy.NextPollAt:o}"); // 20 posts an hour: the lower bound
        Assert.Equal(1, second.NotModified);
        Assert.Equal(0, quiet.EntriesPerWeek);
        Assert.True(quiet.NextPollAt > before.AddHours(20), $"quiet: {quiet.NextPollAt:o}"); // no post in the last week: about the upper bound
    }

    [Fact]
    public async Task Characters_no_store_can_take_cost_neither_the_entry_nor_the_feed()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "Desk", "items": [
              {"id": "j1", "title": "Nul \u0000 in a title", "content_text": "Seoul and Beijing\u0000 talks."},
              {"id": "j2", "title": "Lone \ud800 surrogate", "content_text": "Text."},
              {"id": "j3", "title": "Clean", "content_text": "Clean text."}]}
            """;
        const string rss = """<rss version="2.0"><channel><title>Wire</title><item><guid>r1</guid><title>Ref &#0; to NUL</title><description>a&#x1;b</description></item><item><guid>r2</guid><title>Fine</title></item></channel></rss>""";
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/desk.json", () => Results.Text(json, "application/feed+json"));
            app.MapGet("/wire.xml", () => Results.Text(rss, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("desk.json"));
        await FeedAsync(app, server.Url("wire.xml"));

        var summary = await PollAsync(app);

        Assert.Equal((2, 0, 5), (summary.Fetched, summary.Failed, summary.Inserted));
        Assert.Equal(["Clean", "Fine", "Lone \uFFFD surrogate", "Nul  in a title", "Ref to NUL"], await app.RowsAsync("SELECT title FROM items ORDER BY title"));
    }

    [Fact]
    public async Task Entries_without_id_or_link_that_share_a_title_are_told_apart_by_their_text()
    {
        const string rss = """<rss version="2.0"><channel><title>Flash</title><item><title>속보</title><description>중국 외교부 발표.</description></item><item><title>속보</title><description>북한 미사일 발사.</description></item><item><title>속보</title><description>한중 정상회담 개최.</description></item></channel></rss>""";
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/flash.xml", () => Results.Text(rss, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("flash.xml"));

        var summary = await PollAsync(app);
        var again = await PollAsync(app);

        Assert.Equal(3, summary.Inserted);
        Assert.Equal(0, again.Inserted + again.Updated);
        Assert.Equal(3, await app.ScalarAsync<long>("SELECT count(*) FROM sightings"));
    }

    /// <summary>A live blog whose posts all link to its page, and a CMS that gives every entry
    /// the guid "0": each entry is its own item, poll after poll, and a repeated entry is one.</summary>
    [Fact]
    public async Task Entries_that_share_a_link_or_a_guid_are_each_kept()
    {
        static string Item(string title, string body, string identity) => $"<item><title>{title}</title>{identity}<description>{body}</description></item>";
        const string live = "<link>http://example.org/live</link>";
        string[] posts = [Item("09:00 Talks open", "Delegations from Seoul and Beijing arrived.", live), Item("10:30 Tariffs", "Chip tariffs were on the table.", live),
            Item("12:00 Lunch break", "Talks paused at noon.", live), Item("12:00 Lunch break", "Talks paused at noon.", live)];
        var rss = "";
        void Serve(IEnumerable<string> items) => rss = $"""<rss version="2.0"><channel><title>Live</title>{string.Concat(items)}{Item("A", "First with guid 0.", "<guid>0</guid>")}{Item("B", "Second with guid 0.", "<guid>0</guid>")}</channel></rss>""";
        Serve(posts);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/live.xml", () => Results.Text(rss, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("live.xml"));

        var first = await PollAsync(app);
        Serve([Item("13:15 Joint statement", "A joint statement is expected.", live), .. posts]);
        var second = await PollAsync(app);

        Assert.Equal(5, first.Inserted);
        Assert.Equal((1, 0, 5), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal(["09:00 Talks open", "10:30 Tariffs", "12:00 Lunch break", "13:15 Joint statement", "A", "B"], await app.RowsAsync("SELECT title FROM items ORDER BY title"));
        Assert.Equal(6, await app.ScalarAsync<long>("SELECT count(*) FROM sightings"));
    }

    /// <summary>A feed that makes up new guids on every request, or new tracking parameters on
    /// its links: its entries are still the same entries, one sighting each.</summary>
    [Fact]
    public async Task Rotating_guids_and_tracking_parameters_do_not_add_a_sighting_per_poll()
    {
        var poll = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/rotating.xml", () => Results.Text($"""
            <rss version="2.0"><channel><title>Rotating</title>
            <item><title>Seoul and Beijing sign a currency swap</title><guid>urn:uuid:{Guid.NewGuid()}</guid><description>The central banks renewed the swap line.</description></item>
            <item><title>Ferry route reopens</title><link>http://example.org/ferry?utm_source=rss&amp;utm_campaign={++poll}</link><description>The Incheon to Weihai ferry runs again.</description></item>
            </channel></rss>
            """, "application/rss+xml")));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("rotating.xml"));

        var first = await PollAsync(app);
        var second = await PollAsync(app);
        var third = await PollAsync(app);

        Assert.Equal(2, first.Inserted);
        Assert.Equal((0, 0, 2), (second.Inserted + third.Inserted, second.Sighted + third.Sighted, second.Unchanged));
        Assert.Equal(2, (await StateAsync(app, feed.Id)).ItemCount);
        Assert.Equal(["http://example.org/ferry?utm_source=rss&utm_campaign=3"], await app.RowsAsync("SELECT url FROM sightings WHERE url IS NOT NULL"));
    }

    /// <summary>An item first carried without a date or a link (a note, a saved document) stayed
    /// "(no date)" with no link although the next feed to carry it gave both: what the first
    /// carrier left empty, a later one fills, a link with its carrier's name and author; what it
    /// gave is kept.</summary>
    [Fact]
    public async Task A_later_carrier_fills_the_date_and_link_the_first_left_empty()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/bare.xml", () => Results.Text("""
                <rss version="2.0"><channel><title>Bare</title>
                <item><title>Ferry route reopens</title><guid isPermaLink="false">n-1</guid><description>The Incheon to Weihai ferry runs again.</description></item>
                </channel></rss>
                """, "application/rss+xml"));
            app.MapGet("/full.xml", () => Results.Text("""
                <rss version="2.0"><channel><title>Full</title>
                <item><title>Ferry route reopens</title><link>http://example.org/ferry</link><author>desk@example.org (Kim)</author><pubDate>Mon, 03 Nov 2025 09:00:00 +0900</pubDate><description>The Incheon to Weihai ferry runs again.</description></item>
                <item><title>Ferry route reopens</title><link>http://example.org/ferry-again</link><pubDate>Tue, 04 Nov 2025 09:00:00 +0900</pubDate><description>The Incheon to Weihai ferry runs again.</description></item>
                </channel></rss>
                """, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("bare.xml"));
        Assert.Equal(1, (await PollAsync(app)).Inserted);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM items WHERE published_at IS NULL AND url IS NULL"));

        await FeedAsync(app, server.Url("full.xml"));
        await PollAsync(app);

        Assert.Equal(("2025-11-03", "http://example.org/ferry"),
            ((await app.ScalarAsync<string>("SELECT published_at FROM items WHERE title = 'Ferry route reopens' ORDER BY id LIMIT 1"))[..10],
             await app.ScalarAsync<string>("SELECT url FROM items WHERE title = 'Ferry route reopens' ORDER BY id LIMIT 1")));
        // The link comes with its carrier's name and author: not Full's link and reporter under Bare's name.
        Assert.Equal(("Full", "Kim"), ( // the name in RSS 2.0's "address (name)"
            await app.ScalarAsync<string>("SELECT outlet FROM items WHERE title = 'Ferry route reopens' ORDER BY id LIMIT 1"),
            await app.ScalarAsync<string>("SELECT author FROM items WHERE title = 'Ferry route reopens' ORDER BY id LIMIT 1")));
    }

    /// <summary>Wire A and Wire B carry one copy; A corrects its copy. The uncorrected item, now
    /// B's alone, went on showing A's link and name (and A's correction was hidden as a copy
    /// "by the same outlet"): it takes B's.</summary>
    [Fact]
    public async Task A_shared_item_whose_first_carrier_corrected_its_copy_is_shown_as_the_remaining_carrier_s()
    {
        var corrected = false;
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/a.xml", () => Results.Text($"""
                <rss version="2.0"><channel><title>Wire A</title>
                <item><title>Seoul and Beijing sign a currency swap</title><guid>a-1</guid><link>http://a.example/1</link>
                <description>The central banks renewed the swap line{(corrected ? " on Tuesday" : "")}.</description></item>
                </channel></rss>
                """, "application/rss+xml"));
            app.MapGet("/b.xml", () => Results.Text("""
                <rss version="2.0"><channel><title>Wire B</title>
                <item><title>Seoul and Beijing sign a currency swap</title><guid>b-1</guid><link>http://b.example/1</link>
                <description>The central banks renewed the swap line.</description></item>
                </channel></rss>
                """, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("a.xml"));
        await PollAsync(app);
        await FeedAsync(app, server.Url("b.xml"));
        Assert.Equal(1, (await PollAsync(app)).Sighted);

        corrected = true;
        await PollAsync(app);

        Assert.Equal(("http://b.example/1", "Wire B"), (
            await app.ScalarAsync<string>("SELECT url FROM items WHERE body = 'The central banks renewed the swap line.'"),
            await app.ScalarAsync<string>("SELECT outlet FROM items WHERE body = 'The central banks renewed the swap line.'")));
        Assert.Equal(("http://a.example/1", "Wire A"), (
            await app.ScalarAsync<string>("SELECT url FROM items WHERE body LIKE '%on Tuesday.'"),
            await app.ScalarAsync<string>("SELECT outlet FROM items WHERE body LIKE '%on Tuesday.'")));
    }

    /// <summary>A link that gained tracking parameters ("?utm_source=rss") compared unequal to
    /// the bare link it had been: every later poll "updated" the item and republished it.</summary>
    [Fact]
    public async Task A_link_that_gains_tracking_parameters_changes_nothing_poll_after_poll()
    {
        var (tracked, build) = (false, 0);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/links.xml", () => Results.Text($"""
            <rss version="2.0"><channel><title>Links</title><lastBuildDate>Mon, 03 Nov 2025 10:{++build:00}:00 GMT</lastBuildDate>
            <item><title>Ferry route reopens</title><link>http://example.org/8{(tracked ? "?utm_source=rss&amp;utm_medium=feed" : "")}</link><description>The Incheon to Weihai ferry runs again.</description></item>
            </channel></rss>
            """, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("links.xml"));

        Assert.Equal(1, (await PollAsync(app)).Inserted);
        tracked = true;
        var polls = new[] { await PollAsync(app), await PollAsync(app), await PollAsync(app) };

        Assert.All(polls, p => Assert.Equal((0, 0, 1), (p.Inserted, p.Updated, p.Unchanged)));
        Assert.Equal("http://example.org/8", await app.ScalarAsync<string>("SELECT url FROM items"));
    }

    /// <summary>A wire's breaking-news alert whose headline repeats one it sent months before,
    /// and two "Photo of the day" posts with no text, were one item: the new one a second
    /// sighting of the old by the same feed, never shown. Entries a feed carries under two
    /// keys, dated more than half a day apart, are two items, while an article the feed lists
    /// twice at the same time (in two sections) stays one, and a second feed carrying the alert
    /// is a sighting as before (of the item with the plain hash: the limit of keeping them apart
    /// by hash). Polled again, nothing changes.</summary>
    [Fact]
    public async Task Entries_of_one_feed_with_the_same_words_on_different_days_are_two_items()
    {
        var november = false;
        const string Alert = "[속보] 북한, 동해상으로 탄도미사일 발사…중국 외교부 \"자제 촉구\"";
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/wire.xml", () => Results.Text($"""
                <rss version="2.0"><channel><title>Wire</title>
                {(november ? $"<item><title>{Alert}</title><guid>yna-20251104-001</guid><pubDate>Tue, 04 Nov 2025 07:40:00 +0900</pubDate></item>" : "")}
                <item><title>{Alert}</title><guid>yna-20250105-001</guid><pubDate>Sun, 05 Jan 2025 09:10:00 +0900</pubDate></item>
                <item><title>Photo of the day</title><guid>p2</guid><pubDate>Mon, 03 Nov 2025 09:00:00 +0900</pubDate><enclosure url="http://example.org/2.jpg" type="image/jpeg" length="1"/></item>
                <item><title>Photo of the day</title><guid>p1</guid><pubDate>Sun, 02 Nov 2025 09:00:00 +0900</pubDate><enclosure url="http://example.org/1.jpg" type="image/jpeg" length="1"/></item>
                <item><title>Seoul and Beijing sign a currency swap</title><guid>economy/77</guid><pubDate>Mon, 03 Nov 2025 10:00:00 +0900</pubDate><description>The central banks renewed the swap line.</description></item>
                <item><title>Seoul and Beijing sign a currency swap</title><guid>politics/77</guid><pubDate>Mon, 03 Nov 2025 10:00:00 +0900</pubDate><description>The central banks renewed the swap line.</description></item>
                </channel></rss>
                """, "application/rss+xml"));
            app.MapGet("/other.xml", () => Results.Text($"""
                <rss version="2.0"><channel><title>Other</title>
                <item><title>{Alert}</title><guid>o-1</guid><pubDate>Tue, 04 Nov 2025 07:41:00 +0900</pubDate></item>
                </channel></rss>
                """, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("wire.xml"));

        var first = await PollAsync(app);
        Assert.Equal((4, 1), (first.Inserted, first.Sighted)); // the alert, two photos, the swap once and its second listing
        Assert.Equal(["http://example.org/1.jpg", "http://example.org/2.jpg"],
            (await app.RowsAsync("SELECT enclosures FROM items WHERE title = 'Photo of the day'")).Select(e => System.Text.Json.JsonDocument.Parse(e!).RootElement[0].GetProperty("url").GetString()).Order(StringComparer.Ordinal));

        november = true;
        await FeedAsync(app, server.Url("other.xml"));
        var second = await PollAsync(app);
        Assert.Equal((1, 1), (second.Inserted, second.Sighted)); // November's alert; the other feed's copy of it
        Assert.Equal(["2025-01-05", "2025-11-03"], (await app.RowsAsync($"SELECT substr(published_at, 1, 10) FROM items WHERE title LIKE '[속보]%' ORDER BY published_at")));

        var third = await PollAsync(app);
        Assert.Equal((0, 0, 0), (third.Inserted, third.Sighted, third.Updated));
    }

    /// <summary>One entry whose guid is new at every request and whose date drifts by hours each
    /// time (a generator that stamps its entries when it writes them) is still one entry: the
    /// re-audit of the entries kept apart found an item added at every poll.</summary>
    [Fact]
    public async Task An_entry_whose_guid_rotates_and_date_drifts_stays_one_item()
    {
        var poll = 0;
        var hoursAgo = new[] { 20, 10, 5, 4, 3 };
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/drift.xml", () =>
        {
            var date = DateTime.UtcNow.AddHours(-hoursAgo[Math.Min(poll++, hoursAgo.Length - 1)]).ToString("R");
            return Results.Text($"""
                <rss version="2.0"><channel><title>Drift</title>
                <item><title>Ferry route reopens</title><guid>urn:uuid:{Guid.NewGuid()}</guid><pubDate>{date}</pubDate><description>The Incheon to Weihai ferry runs again.</description></item>
                </channel></rss>
                """, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("drift.xml"));

        for (var i = 0; i < hoursAgo.Length; i++) await PollAsync(app);

        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM sightings"));
    }

    /// <summary>A feed that lists only the latest of a daily notice ("Markets closed today", the
    /// same words each day under a new guid, link and date) had each new one absorbed by the
    /// last as a rotated key: a new link and a date a day on make it another entry.</summary>
    [Fact]
    public async Task A_daily_notice_with_the_same_words_under_a_new_link_is_a_new_item_each_day()
    {
        var day = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/notices.xml", () =>
        {
            var n = day++;
            return Results.Text($"""
                <rss version="2.0"><channel><title>Exchange</title>
                <item><title>About the exchange</title><guid>about</guid><description>Opening hours and holidays.</description></item>
                <item><title>Markets closed today</title><guid>closed-{n}</guid><link>http://example.org/closed-{n}</link>
                <pubDate>{new DateTime(2026, 11, 21, 0, 0, 0, DateTimeKind.Utc).AddDays(n):R}</pubDate><description>Trading is suspended for the holiday.</description></item>
                </channel></rss>
                """, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("notices.xml"));

        for (var i = 0; i < 3; i++) await PollAsync(app);

        Assert.Equal(["http://example.org/closed-0", "http://example.org/closed-1", "http://example.org/closed-2"],
            await app.RowsAsync("SELECT url FROM items WHERE title = 'Markets closed today' ORDER BY url"));
    }

    /// <summary>A document broken before its first entry yields nothing: a failure with its
    /// reason, not a healthy feed with no entries.</summary>
    [Fact]
    public async Task A_feed_broken_before_its_first_entry_is_failing_with_the_reason()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/cut.xml", () => Results.Text("<rss version=\"2.0\"><channel><title>Cut</title><ite", "application/rss+xml")));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("cut.xml"));

        var summary = await PollAsync(app);

        Assert.Equal((0, 1), (summary.Fetched, summary.Failed));
        var state = await StateAsync(app, feed.Id);
        Assert.Equal(1, state.ConsecutiveErrors);
        Assert.Contains("not well-formed XML at line 1", state.LastError, StringComparison.Ordinal);
        Assert.EndsWith("no entry could be read", state.LastError, StringComparison.Ordinal);
    }

    /// <summary>A `run-once` (or, on SQLite, a `serve`) killed mid-cycle leaves its feeds claimed;
    /// the next poll on the same machine frees them when that process is gone, and leaves a
    /// running one's alone.</summary>
    [Fact]
    public async Task Feeds_claimed_by_a_killed_command_on_this_machine_are_polled_by_the_next()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/{name}.xml", () => Results.Text(Rss, "application/rss+xml")));
        await using var app = await ServicesAsync();
        var orphaned = await FeedAsync(app, server.Url("orphaned.xml"));
        var busy = await FeedAsync(app, server.Url("busy.xml"));
        var deadNode = await FeedAsync(app, server.Url("dead-node.xml"));
        var liveNode = await FeedAsync(app, server.Url("live-node.xml"));
        using var ended = System.Diagnostics.Process.Start("true")!;
        await ended.WaitForExitAsync(Ct);
        using var running = System.Diagnostics.Process.Start("sleep", "60")!;
        try
        {
            await using (var connection = await app.Get<Database>().OpenAsync(Ct))
            {
                var until = DateTime.UtcNow.AddMinutes(10);
                await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE feeds SET claimed_by = @by, claimed_until = @until WHERE id = @id",
                    new { by = Aggregator.Scheduling.ClusterMembership.CommandPrefix + ended.Id, until, id = orphaned.Id });
                await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE feeds SET claimed_by = @by, claimed_until = @until WHERE id = @id",
                    new { by = Aggregator.Scheduling.ClusterMembership.CommandPrefix + running.Id, until, id = busy.Id });
                // A `serve` killed mid-cycle (its node id: machine, process id, a random suffix), and one still running.
                await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE feeds SET claimed_by = @by, claimed_until = @until WHERE id = @id",
                    new { by = $"{Aggregator.Scheduling.ClusterMembership.NodePrefix}{ended.Id}-0a1b", until, id = deadNode.Id });
                await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE feeds SET claimed_by = @by, claimed_until = @until WHERE id = @id",
                    new { by = $"{Aggregator.Scheduling.ClusterMembership.NodePrefix}{running.Id}-0a1b", until, id = liveNode.Id });
            }

            var summary = await PollAsync(app);

            // On SQLite every process is on this machine; in a cluster (PostgreSQL) a node is
            // judged by the cluster's check-ins, not by a process id that may be another machine's.
            var sqlite = backend == Backend.Sqlite;
            Assert.Equal(sqlite ? 2 : 1, summary.Feeds);
            Assert.NotNull((await StateAsync(app, orphaned.Id)).LastSuccessAt);
            Assert.Null((await StateAsync(app, busy.Id)).LastAttemptAt);
            Assert.Equal(sqlite, (await StateAsync(app, deadNode.Id)).LastSuccessAt is not null);
            Assert.Null((await StateAsync(app, liveNode.Id)).LastAttemptAt);
        }
        finally
        {
            running.Kill();
        }
    }

    /// <summary>Feedly, Inoreader, NetNewsWire, Thunderbird, Miniflux and newsboat export the
    /// subscriber's name for a feed as both text and title: it survives the first poll.</summary>
    [Fact]
    public async Task A_name_given_in_another_reader_survives_the_first_poll()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/{name}.xml", () => Results.Text(Rss, "application/rss+xml")));
        await using var app = await ServicesAsync();
        var opml = Path.Combine(app.Temp.Path, "feedly.opml");
        await File.WriteAllTextAsync(opml, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="1.0"><head><title>Feedly</title></head><body><outline text="Korea" title="Korea">
            <outline type="rss" text="연합뉴스 Yonhap" title="연합뉴스 Yonhap" xmlUrl="{server.Url("renamed.xml")}" htmlUrl="http://example.org/"/>
            <outline type="rss" text="Loopback Wire" title="Loopback Wire" xmlUrl="{server.Url("same.xml")}"/>
            <outline type="rss" xmlUrl="{server.Url("unnamed.xml")}"/>
            </outline></body></opml>
            """, Ct);
        await app.Get<FeedStore>().AddAsync(Aggregator.Sources.Opml.Read(opml).Feeds, Ct);
        // `feeds add` read the feed's own title, which has changed by the first poll ("(updated 10:00)").
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url("added.xml").ToString(), null, FeedTitle: "Loopback Wire (updated 10:00)"), Ct);

        await PollAsync(app);

        var feeds = (await app.Get<FeedStore>().ListAsync(Ct)).ToDictionary(f => f.Url[(f.Url.LastIndexOf('/') + 1)..]);
        Assert.Equal(("연합뉴스 Yonhap", "Loopback Wire"), (feeds["renamed.xml"].DisplayTitle, feeds["renamed.xml"].Title));
        Assert.Equal(("Loopback Wire", null), (feeds["same.xml"].DisplayTitle, feeds["same.xml"].CustomTitle));
        Assert.Equal(("Loopback Wire", null), (feeds["unnamed.xml"].DisplayTitle, feeds["unnamed.xml"].CustomTitle));
        Assert.Equal(("Loopback Wire", null), (feeds["added.xml"].DisplayTitle, feeds["added.xml"].CustomTitle));
        // The same list applied again (config/feeds.opml edited): the name stays.
        await app.Get<FeedStore>().ApplyAsync(Aggregator.Sources.Opml.Read(opml).Feeds, [], null, false, Ct);
        Assert.Equal("연합뉴스 Yonhap", (await app.Get<FeedStore>().ListAsync(Ct)).Single(f => f.Id == feeds["renamed.xml"].Id).DisplayTitle);

        // Renamed in the file after polls, the way those readers write a name (text and title):
        // the new name is the subscriber's, for a feed named before and for one that was not.
        // Named as the feed calls itself, it follows the feed again.
        await File.WriteAllTextAsync(opml, (await File.ReadAllTextAsync(opml, Ct))
            .Replace("\"연합뉴스 Yonhap\"", "\"Yonhap 연합\"", StringComparison.Ordinal)
            .Replace("text=\"Loopback Wire\" title=\"Loopback Wire\"", "text=\"LW 통신\" title=\"LW 통신\"", StringComparison.Ordinal), Ct);
        await app.Get<FeedStore>().ApplyAsync(Aggregator.Sources.Opml.Read(opml).Feeds, [], null, false, Ct);
        var renamed = (await app.Get<FeedStore>().ListAsync(Ct)).ToDictionary(f => f.Url[(f.Url.LastIndexOf('/') + 1)..]);
        Assert.Equal(("Yonhap 연합", "Yonhap 연합"), (renamed["renamed.xml"].DisplayTitle, renamed["renamed.xml"].CustomTitle));
        Assert.Equal(("LW 통신", "LW 통신"), (renamed["same.xml"].DisplayTitle, renamed["same.xml"].CustomTitle));
        await File.WriteAllTextAsync(opml, (await File.ReadAllTextAsync(opml, Ct)).Replace("\"Yonhap 연합\"", "\"Loopback Wire\"", StringComparison.Ordinal), Ct);
        await app.Get<FeedStore>().ApplyAsync(Aggregator.Sources.Opml.Read(opml).Feeds, [], null, false, Ct);
        Assert.Equal(("Loopback Wire", null), (await app.Get<FeedStore>().ListAsync(Ct)).Where(f => f.Id == feeds["renamed.xml"].Id).Select(f => (f.DisplayTitle, f.CustomTitle)).Single());
    }

    /// <summary>An entry dated a year ahead would head every list for a year: it is dated when
    /// first seen. A date a few minutes ahead (clocks differ) is kept.</summary>
    [Fact]
    public async Task An_entry_dated_ahead_is_dated_when_first_seen()
    {
        var soon = DateTime.UtcNow.AddMinutes(5);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/ahead.xml", () => Results.Text($"""
            <rss version="2.0"><channel><title>Ahead</title>
            <item><title>Next year</title><guid>f1</guid><pubDate>{DateTime.UtcNow.AddYears(1):R}</pubDate><description>A date a year ahead.</description></item>
            <item><title>Soon</title><guid>f2</guid><pubDate>{soon:R}</pubDate><description>A date five minutes ahead.</description></item>
            </channel></rss>
            """, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("ahead.xml"));

        var before = DateTime.UtcNow;
        await PollAsync(app);

        var dates = (await app.Get<ItemQueries>().NewestAsync(null, 10, Ct, collapse: false)).ToDictionary(i => i.Title, i => i.PublishedAt);
        Assert.InRange(dates["Next year"]!.Value, before.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(soon.ToString("R"), dates["Soon"]!.Value.ToString("R"));
    }

    /// <summary>A headline's capitals fixed, a draft's link replaced by the article's: the text
    /// compares the same, and the item still takes them, keeping its id.</summary>
    [Fact]
    public async Task A_headline_or_link_fixed_without_a_change_of_text_is_shown()
    {
        var (title, link) = ("seoul and beijing renew SWAP line", "http://example.org/swap?preview=1");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/fixed.xml", () => Results.Text($"""
            <rss version="2.0"><channel><title>Desk</title>
            <item><title>{title}</title><guid>s1</guid><link>{link.Replace("&", "&amp;", StringComparison.Ordinal)}</link><description>The central banks renewed the currency swap.</description></item>
            </channel></rss>
            """, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("fixed.xml"));

        await PollAsync(app);
        var before = await app.RowsAsync("SELECT id, content_hash, entry_id FROM items");
        (title, link) = ("Seoul and Beijing renew swap line", "http://example.org/swap");
        var second = await PollAsync(app);

        Assert.Equal((1, 0), (second.Updated, second.Inserted + second.Sighted));
        Assert.Equal(before, await app.RowsAsync("SELECT id, content_hash, entry_id FROM items"));
        Assert.Equal(["Seoul and Beijing renew swap line|http://example.org/swap"], await app.RowsAsync("SELECT title, url FROM items"));
        Assert.Equal(["http://example.org/swap"], await app.RowsAsync("SELECT url FROM sightings"));
        Assert.Equal(0, (await PollAsync(app)).Updated); // and once is enough
    }

    /// <summary>Two feeds carry one wire copy, which was alerted; both correct it, one after the
    /// other. The corrected item heads the story in the end, and it is known as alerted.</summary>
    [Fact]
    public async Task A_story_alerted_before_every_copy_was_corrected_stays_alerted()
    {
        const string wrong = "Seoul and Beijing agreed to resume the coast gaurd talks next month, officials said.";
        var bodies = new Dictionary<string, string> { ["a"] = wrong, ["b"] = wrong };
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/{name}.xml", (string name) => Results.Text($"""
            <rss version="2.0"><channel><title>Feed {name}</title>
            <item><title>Coast guard talks to resume</title><guid>{name}-1</guid><description>{bodies[name]}</description></item>
            </channel></rss>
            """, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("a.xml"));
        await FeedAsync(app, server.Url("b.xml"));
        await PollAsync(app);
        var original = await app.ScalarAsync<long>("SELECT id FROM items");
        await using (var connection = await app.Get<Database>().OpenAsync(Ct))
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                INSERT INTO mail_outbox (id, message_id, recipient, kind, subject, story_count, mime, state, next_attempt_at, created_at)
                VALUES (1, 'm1', 'desk@example.org', 'alert', 'New story', 1, @mime, 'sent', '2025-01-01', '2025-01-01');
                INSERT INTO mail_alerted (recipient, item_id, outbox_id) VALUES ('desk@example.org', @original, 1);
                """, new { mime = new byte[] { 1 }, original });

        bodies["a"] = wrong.Replace("gaurd", "guard", StringComparison.Ordinal);
        await PollAsync(app);
        bodies["b"] = bodies["a"];
        await PollAsync(app);

        var head = await app.ScalarAsync<long>("SELECT id FROM items WHERE story_id IS NULL");
        Assert.NotEqual(original, head);
        Assert.Equal(0, await app.ScalarAsync<long>($"SELECT count(*) FROM items WHERE id = {original}"));
        Assert.Equal([$"desk@example.org|{head}"], await app.RowsAsync("SELECT recipient, item_id FROM mail_alerted WHERE item_id <> " + original));
    }

    /// <summary>A guid reused for another story is a new story to readers: first seen now, and
    /// not marked as alerted by the story it replaced.</summary>
    [Fact]
    public async Task A_guid_reused_for_another_story_is_new_to_alerts_and_digests()
    {
        var (title, body) = ("Ferry route reopens", "The Incheon to Weihai ferry runs again after three years, the operator said on Monday.");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/reused.xml", () => Results.Text($"""
            <rss version="2.0"><channel><title>Desk</title><item><title>{title}</title><guid>slot-1</guid><description>{body}</description></item></channel></rss>
            """, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("reused.xml"));
        await PollAsync(app);
        var item = await app.ScalarAsync<long>("SELECT id FROM items");
        await using (var connection = await app.Get<Database>().OpenAsync(Ct))
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                INSERT INTO mail_outbox (id, message_id, recipient, kind, subject, story_count, mime, state, next_attempt_at, created_at)
                VALUES (1, 'm1', 'desk@example.org', 'alert', 'New story', 1, @mime, 'sent', '2025-01-01', '2025-01-01');
                INSERT INTO mail_alerted (recipient, item_id, outbox_id) VALUES ('desk@example.org', @item, 1);
                UPDATE items SET first_seen_at = '2025-01-01T00:00:00.0000000Z';
                """, new { mime = new byte[] { 1 }, item });

        (title, body) = ("Chip export curbs tightened", "Beijing announced new licensing rules for gallium and germanium exports to Korea.");
        var summary = await PollAsync(app);

        Assert.Equal(1, summary.Updated);
        Assert.Equal(item, await app.ScalarAsync<long>("SELECT id FROM items"));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM mail_alerted"));
        Assert.StartsWith(DateTime.UtcNow.ToString("yyyy-MM-dd"), await app.ScalarAsync<string>("SELECT first_seen_at FROM items"), StringComparison.Ordinal);
    }

    /// <summary>Not a fix: a link whose tracking parameters change on every request, and one
    /// article a feed lists twice under two links. Neither item is touched poll after poll.</summary>
    [Fact]
    public async Task Tracking_parameters_and_an_article_listed_twice_leave_the_item_alone()
    {
        var poll = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/churn.xml", () => Results.Text($"""
            <rss version="2.0"><channel><title>Churn</title><lastBuildDate>{++poll}</lastBuildDate>
            <item><title>Tracked</title><guid>t1</guid><link>http://example.org/t?id=7&amp;utm_source=rss&amp;utm_campaign={poll}</link><description>Tracked link text.</description></item>
            <item><title>Twice</title><guid>w1</guid><link>http://example.org/politics/w</link><description>One article in two sections.</description></item>
            <item><title>Twice</title><guid>w2</guid><link>http://example.org/world/w</link><description>One article in two sections.</description></item>
            </channel></rss>
            """, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("churn.xml"));

        await PollAsync(app);
        var items = await app.RowsAsync("SELECT id, title, url, updated_at FROM items ORDER BY id");
        var second = await PollAsync(app);
        var third = await PollAsync(app);

        Assert.Equal((0, 0), (second.Updated, third.Updated));
        Assert.Equal(items, await app.RowsAsync("SELECT id, title, url, updated_at FROM items ORDER BY id"));
    }

    /// <summary>A live blog's post corrected (its headline, so its key) while a new post arrives:
    /// the correction replaces the post, the new one is added.</summary>
    [Fact]
    public async Task A_corrected_post_among_entries_that_share_a_link_replaces_itself()
    {
        static string Post(string title, string body) => $"<item><title>{title}</title><link>http://example.org/live</link><description>{body}</description></item>";
        var posts = new List<string>
        {
            Post("09:00 Talks open in Seol", "Delegations from Seoul and Beijing arrived at the venue this morning for the first round."),
            Post("10:30 Tariffs on the table", "Chip tariffs and export licences were the first subject of the talks, officials said."),
        };
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/live.xml", () => Results.Text(
            $"""<rss version="2.0"><channel><title>Live</title>{string.Concat(posts)}</channel></rss>""", "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("live.xml"));
        await PollAsync(app);
        var first = await app.ScalarAsync<long>("SELECT id FROM items WHERE title LIKE '09:00%'");

        posts[0] = Post("09:00 Talks open in Seoul", "Delegations from Seoul and Beijing arrived at the venue this morning for the first round.");
        posts.Insert(0, Post("12:00 Lunch break", "The talks paused at noon and resume at two."));
        var second = await PollAsync(app);

        Assert.Equal((1, 1), (second.Inserted, second.Updated));
        Assert.Equal(["09:00 Talks open in Seoul", "10:30 Tariffs on the table", "12:00 Lunch break"], await app.RowsAsync("SELECT title FROM items ORDER BY title"));
        Assert.Equal(first, await app.ScalarAsync<long>("SELECT id FROM items WHERE title LIKE '09:00%'"));
        Assert.Equal(3, await app.ScalarAsync<long>("SELECT count(*) FROM sightings"));
    }

    /// <summary>An Atom entry that states only when it was updated is dated by it when first
    /// seen; a later correction does not move it up the river. An RSS author written as RSS 2.0
    /// says, "address (name)", is bylined by the name.</summary>
    [Fact]
    public async Task An_entry_dated_only_by_its_update_keeps_its_date_through_corrections_and_bylines_are_names()
    {
        var (title, updated) = ("Coast guard seizes two Chinese boats", "2025-09-06T01:15:00Z");
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/atom.xml", () => Results.Text($"""
                <feed xmlns="http://www.w3.org/2005/Atom"><title>Herald</title><id>urn:h</id><updated>{updated}</updated>
                <entry><id>urn:h:1</id><title>{title}</title><updated>{updated}</updated><author><name>Kim Min-su</name><email>kms@herald.example</email></author>
                <content>The Korea Coast Guard seized two Chinese fishing boats near Yeonpyeong Island on Friday.</content></entry></feed>
                """, "application/atom+xml"));
            app.MapGet("/rss.xml", () => Results.Text("""
                <rss version="2.0"><channel><title>Kyongbuk</title><item><guid>k1</guid><title>경북 소식</title>
                <author>kb@kyongbuk.example.kr (김민수)</author><description>경북 지역 소식입니다.</description></item></channel></rss>
                """, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("atom.xml"));
        await FeedAsync(app, server.Url("rss.xml"));
        await PollAsync(app);

        (title, updated) = ("Coast guard seizes two Chinese fishing boats", "2025-09-08T00:00:00Z");
        var second = await PollAsync(app);

        Assert.Equal(1, second.Updated);
        var items = (await app.Get<ItemQueries>().NewestAsync(null, 10, Ct, collapse: false)).ToDictionary(i => i.Outlet!);
        Assert.Equal((title, new DateTime(2025, 9, 6, 1, 15, 0, DateTimeKind.Utc)), (items["Herald"].Title, items["Herald"].PublishedAt));
        Assert.Equal("Kim Min-su", items["Herald"].Author);
        Assert.Equal("김민수", items["Kyongbuk"].Author);
    }

    /// <summary>Copies of one story found in one cycle are headed by the one published first,
    /// whatever order they were fetched and stored in (here one feed lists the later copy first).</summary>
    [Fact]
    public async Task Copies_found_together_are_headed_by_the_one_published_first()
    {
        const string Full = "South Korea and China agreed on Thursday to resume a maritime dialogue suspended since 2019, the foreign ministry said after talks between vice ministers in Seoul. "
            + "The two sides discussed the steel structures China installed in the Yellow Sea, illegal fishing and coast guard cooperation, and agreed to meet again in Beijing next year.";
        const string Summary = "South Korea and China agreed on Thursday to resume a maritime dialogue suspended since 2019, the foreign ministry said after talks between vice ministers in Seoul. …";
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/portal.xml", () => Results.Text($"""
            <rss version="2.0"><channel><title>Portal</title>
            <item><guid>p2</guid><title>S. Korea, China to restart sea dialogue</title><pubDate>Thu, 24 Apr 2025 12:45:00 +0000</pubDate><description>{Summary}</description></item>
            <item><guid>p1</guid><title>Seoul, Beijing resume maritime talks</title><pubDate>Thu, 24 Apr 2025 09:00:00 +0000</pubDate><description>{Full}</description></item>
            </channel></rss>
            """, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("portal.xml"));
        await PollAsync(app);

        var story = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, Ct));
        Assert.Equal(("Seoul, Beijing resume maritime talks", new DateTime(2025, 4, 24, 9, 0, 0, DateTimeKind.Utc)), (story.Title, story.PublishedAt));
        Assert.Equal(2, (await app.Get<ItemQueries>().NewestAsync(null, 10, Ct, collapse: false)).Count);
    }

    /// <summary>New items are announced (WebSub) as they are stored, not when the cycle ends: the
    /// service's cycle runs on while a slow host keeps feeds in flight, and its hub heard nothing
    /// for as long as that lasted.</summary>
    [Fact]
    public async Task Items_landing_are_announced_while_a_slow_host_holds_the_cycle()
    {
        await using var slow = await LoopbackServer.StartAsync(app => app.MapGet("/slow.xml", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            return Results.Text(Rss.Replace("Loopback Wire", "Slow Wire", StringComparison.Ordinal), "application/rss+xml");
        }));
        await using var fast = await LoopbackServer.StartAsync(app => app.MapGet("/fast.xml", () => Results.Text(Rss, "application/rss+xml")));
        await using var app = await ServicesAsync();
        await FeedAsync(app, slow.Url("slow.xml"));
        await FeedAsync(app, fast.Url("fast.xml"));

        var landed = new TaskCompletionSource();
        var polling = app.Get<FeedIngestor>().PollDueAsync(Ct, onceEach: false, landed: () => landed.TrySetResult());
        await landed.Task.WaitAsync(TimeSpan.FromSeconds(3), Ct);

        Assert.False(polling.IsCompleted);
        Assert.Equal(2, (await polling).Fetched);
    }

    /// <summary>The same bytes behind a redirect to an address signed anew at every request (a
    /// storage bucket's expiring signature) cost no parsing and no writes, as any same bytes do.</summary>
    [Fact]
    public async Task The_same_bytes_behind_a_freshly_signed_address_are_not_read_again()
    {
        var signature = 0;
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/feed.xml", () => Results.Redirect($"/bucket/feed.xml?sig={Interlocked.Increment(ref signature)}"));
            app.MapGet("/bucket/feed.xml", () => Results.Text(Rss, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        await FeedAsync(app, server.Url("feed.xml"));
        var first = await PollAsync(app);

        var second = await PollAsync(app);

        Assert.Equal((1, 0), (first.Fetched, first.NotModified));
        Assert.Equal((0, 1), (second.Fetched, second.NotModified));
    }
}

public sealed class FeedPollingTestsOnSqlite() : FeedPollingTests(Backend.Sqlite);

public sealed class FeedPollingTestsOnPostgres() : FeedPollingTests(Backend.Postgres);
