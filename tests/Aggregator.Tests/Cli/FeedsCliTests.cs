using System.Xml.Linq;
using Aggregator.Tests.Fetching;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Cli;

/// <summary>`feeds` and `run-once` as users run them, against feeds served on loopback.</summary>
public abstract class FeedsCliTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The Authorization headers /probe.xml received (a feed on "another site", localhost).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentBag<string> ProbeAuthorizations = [];

    private static readonly System.Text.Encoding Gbk = CodePages("gbk");

    private static System.Text.Encoding CodePages(string name)
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        return System.Text.Encoding.GetEncoding(name);
    }

    private static Task<LoopbackServer> ServerAsync() => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/wire.xml", () => Results.Text(FeedPollingTests.Rss, "application/rss+xml"));
        app.MapGet("/page", () => Results.Content("""<html><head><link rel="alternate" type="application/rss+xml" href="/wire.xml"></head><body>x</body></html>""", "text/html"));
        app.MapGet("/portal/", () => Results.Content("""
            <!DOCTYPE html><html><head><base href="/">
            <link rel="alternate" type="application/rss+xml; charset=utf-8" title="전체기사" href="wire.xml">
            <link rel="alternate" type="text/xml" title="Tagged" href="tagged.xml">
            <link rel="alternate" type="application/rss+xml" title="Gone" href="missing.xml">
            <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
            <link rel="alternate" hreflang="en" href="/en/">
            </head><body>portal</body></html>
            """, "text/html"));
        app.MapGet("/comments/", () => Results.Content("""
            <html><head><link rel="alternate" type="application/rss+xml" title="Main" href="/missing.xml">
            <link rel="alternate" type="application/rss+xml" title="Comments" href="/tagged.xml"></head><body>x</body></html>
            """, "text/html"));
        app.MapGet("/broken/feed.xml", () => Results.Content("<html><head><title>Error</title></head><body>Database error</body></html>", "text/html"));
        app.MapGet("/elsewhere/", (HttpContext c) => Results.Content(
            $"""<html><head><link rel="alternate" type="application/rss+xml" href="http://localhost:{c.Request.Host.Port}/probe.xml"></head><body>x</body></html>""", "text/html"));
        app.MapGet("/probe.xml", (HttpContext c) =>
        {
            ProbeAuthorizations.Add(c.Request.Headers.Authorization.ToString());
            return Results.Text(FeedPollingTests.Rss, "application/rss+xml");
        });
        app.MapGet("/blog/", () => Results.Content("<!DOCTYPE html><html><head><title>Blog</title></head><body>no feed links</body></html>", "text/html"));
        app.MapGet("/feed/", () => Results.Text(FeedPollingTests.Rss.Replace("Loopback Wire", "Blog Feed", StringComparison.Ordinal), "application/rss+xml"));
        app.MapGet("/home", () => Results.Redirect("/news/")); // a site's address leads to its section page
        app.MapGet("/news/", () => Results.Content("<!DOCTYPE html><html><head><title>News</title></head><body>no feed links</body></html>", "text/html"));
        app.MapGet("/news/feed/", () => Results.Text(FeedPollingTests.Rss.Replace("Loopback Wire", "News Feed", StringComparison.Ordinal), "application/rss+xml"));
        app.MapGet("/broken.xml", () => Results.StatusCode(503));
        app.MapGet("/members.xml", (HttpContext c) => c.Request.Headers.Authorization.ToString() == "Basic " + Convert.ToBase64String("alice:s3cr@t"u8)
            ? Results.Text(FeedPollingTests.Rss, "application/rss+xml") : Results.StatusCode(401));
        app.MapGet("/swallowed.xml", () => Results.Text("<rss version=\"2.0\"><channel><title>B</titl><item><title>x</title><description>y</description></item></channel></rss>", "application/rss+xml"));
        app.MapGet("/cut.xml", () => Results.Text("<rss version=\"2.0\"><channel><title>Cut</title><item><title>Never fin", "application/rss+xml"));
        app.MapGet("/unlabelled-gbk.xml", () => Results.Bytes(
            [.. "<rss version=\"2.0\"><channel><title>GBK</title><item><title>"u8, .. Gbk.GetBytes("习近平会见韩国总统"), .. "</title><guid>g1</guid></item></channel></rss>"u8],
            "application/xml"));
        app.MapGet("/loop", () => Results.Redirect("/loop"));
        app.MapGet("/old.xml", () => Results.Redirect("/wire.xml", permanent: true));
        app.MapGet("/missing.xml", () => Results.NotFound());
        app.MapGet("/removed.xml", () => Results.StatusCode(410));
        app.MapGet("/packed.xml", (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            var body = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                gzip.Write(System.Text.Encoding.UTF8.GetBytes(FeedPollingTests.Rss));
            return Results.Bytes(body.ToArray(), "application/rss+xml");
        });
        app.MapGet("/tagged.xml", (HttpContext context) =>
        {
            if (context.Request.Headers.IfNoneMatch == "\"v1\"") return Results.StatusCode(304);
            context.Response.Headers.ETag = "\"v1\"";
            return Results.Text(FeedPollingTests.Rss.Replace("Loopback Wire", "Tagged Wire", StringComparison.Ordinal), "application/rss+xml");
        });
    });

    /// <summary>The subscribed feeds' addresses, as `feeds list --json` gives them, in order.</summary>
    private static async Task<string[]> SubscribedUrlsAsync(TempFolder temp, IDictionary<string, string> env, string[] common) =>
        System.Text.Json.JsonDocument.Parse((await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", .. common])).Stdout)
            .RootElement.EnumerateArray().Select(f => f.GetProperty("url").GetString()!).Order(StringComparer.Ordinal).ToArray();

    private static async Task<string> ConfigAsync(TempFolder temp, string? opml = null)
    {
        var config = temp.Sub("config");
        File.Copy(Path.Combine(RepoPaths.Config, "topics.json"), Path.Combine(config, "topics.json"));
        await File.WriteAllTextAsync(Path.Combine(config, "aggregator.json"), """{"Aggregator":{"Sources":{"DocumentFolders":[]}}}""");
        if (opml is not null) await File.WriteAllTextAsync(Path.Combine(config, "feeds.opml"), opml);
        return config;
    }

    /// <summary>People paste a site's address: the feed it advertises is subscribed; with several,
    /// the live ones are listed with their titles, quoted for the shell; with none, the usual
    /// places are tried.</summary>
    [Fact]
    public async Task Feeds_add_finds_the_feed_behind_a_web_page()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];

        var page = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("page").ToString(), "--folder", "Wires", .. common]);
        Assert.True(page.ExitCode == 0, page.Stderr);
        Assert.Contains($"its feed is {server.Url("wire.xml")}", page.Stdout, StringComparison.Ordinal);
        Assert.Contains($"added {server.Url("wire.xml")}", page.Stdout, StringComparison.Ordinal);

        var portal = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("portal/").ToString(), .. common]);
        Assert.Equal(1, portal.ExitCode);
        Assert.Contains($"advertises 2 live feeds", portal.Stderr, StringComparison.Ordinal);
        Assert.Contains($"  aggregator feeds add '{server.Url("wire.xml")}'    # Loopback Wire: rss20, 2 entries", portal.Stderr, StringComparison.Ordinal);
        Assert.Contains($"  aggregator feeds add '{server.Url("tagged.xml")}'    # Tagged Wire: rss20, 2 entries", portal.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("missing.xml", portal.Stderr, StringComparison.Ordinal);

        // One live feed of two advertised (a comments feed beside a dead main one) is offered, not taken.
        var comments = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("comments/").ToString(), .. common]);
        Assert.Equal(1, comments.ExitCode);
        Assert.Contains($"  aggregator feeds add '{server.Url("tagged.xml")}'    # Tagged Wire", comments.Stderr, StringComparison.Ordinal);
        // An error page where a feed was expected is refused, not looked behind.
        var broken = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("broken/feed.xml").ToString(), .. common]);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("not a feed", broken.Stderr, StringComparison.Ordinal);

        var blog = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("blog/").ToString(), .. common]);
        Assert.True(blog.ExitCode == 0, blog.Stderr);
        Assert.Contains($"added {server.Url("feed/")}", blog.Stdout, StringComparison.Ordinal);
        // Redirected on the same site to a section page: its feed is looked for under that page's path first.
        var home = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("home").ToString(), .. common]);
        Assert.True(home.ExitCode == 0, home.Stderr);
        Assert.Contains($"added {server.Url("news/feed/")}", home.Stdout, StringComparison.Ordinal);

        // Credentials given for this site do not go with its feed on another one.
        var elsewhere = await Processes.RunAsync("dotnet", [RepoPaths.ProgramDll, "feeds", "add", server.Url("elsewhere/").ToString(), "--user", "alice", "--password-stdin", .. common],
            temp.Path, env, stdin: "s3cret\n");
        Assert.True(elsewhere.ExitCode == 0, elsewhere.Stderr);
        Assert.Contains("the credentials given for", elsewhere.Stdout, StringComparison.Ordinal);
        Assert.NotEmpty(ProbeAuthorizations);
        Assert.All(ProbeAuthorizations, a => Assert.Equal("", a));

        // Typed without a scheme: https:// is tried first, then http:// (the loopback server has no TLS).
        var again = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("wire.xml").ToString()["http://".Length..], .. common]);
        Assert.Contains($"already subscribed to {server.Url("wire.xml")}", again.Stdout, StringComparison.Ordinal);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.DoesNotContain("tagged.xml", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("signs in as", list.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{server.Url("wire.xml")}  [new]  Loopback Wire  (in Wires)", list.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example.com/feed", "https://example.com/feed")]
    [InlineData("www.yna.co.kr", "https://www.yna.co.kr")]
    [InlineData("feed://example.com/rss.xml", "http://example.com/rss.xml")]
    [InlineData("feed:https://example.com/rss.xml", "https://example.com/rss.xml")]
    [InlineData("http://example.com/rss.xml", "http://example.com/rss.xml")]
    [InlineData("localfile", "localfile")]
    [InlineData("localhost:1200/yna/all", "http://localhost:1200/yna/all")] // RSSHub on this machine
    public void An_address_without_a_scheme_is_https(string typed, string meant) =>
        Assert.Equal(meant, Aggregator.Sources.FeedDiscovery.WithScheme(typed));

    [Fact]
    public async Task Subscriptions_persist_and_round_trip_through_opml()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var opml = temp.File("in.opml", $"""
            <opml version="2.0"><head><title>mine</title></head><body>
              <outline text="Folder">
                <outline type="rss" text="Wire" xmlUrl="{server.Url("wire.xml")}" minPollMinutes="15"/>
                <outline type="rss" text="Broken" xmlUrl="{server.Url("broken.xml")}" encoding="euc-kr" enabled="false"/>
              </outline>
            </body></opml>
            """);

        var import = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "import", opml, .. common]);
        Assert.Contains("2 added", import.Stdout, StringComparison.Ordinal);
        var export = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common]);
        var folder = Assert.Single(XDocument.Parse(export.Stdout).Root!.Element("body")!.Elements("outline")); // the folder, around both
        Assert.Equal("Folder", (string?)folder.Attribute("text"));
        var outlines = folder.Elements("outline").ToList();
        Assert.Equal(2, outlines.Count);
        Assert.Equal(["Broken", "Wire"], outlines.Select(o => (string?)o.Attribute("text")).Order());
        Assert.Contains(outlines, o => (string?)o.Attribute("xmlUrl") == server.Url("wire.xml").ToString() && (string?)o.Attribute("minPollMinutes") == "15");
        Assert.Contains(outlines, o => (string?)o.Attribute("enabled") == "false" && (string?)o.Attribute("encoding") == "euc-kr");

        var removed = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "remove", server.Url("broken.xml").ToString(), .. common]);
        Assert.Equal(0, removed.ExitCode);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains($"{server.Url("wire.xml")}  [new]  Wire  (in Folder)", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Url("broken.xml").ToString(), list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_outline_costs_its_own_feed_only_in_feeds_import_and_in_config_feeds_opml()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var list = $"""
            <opml version="2.0"><body>
              <outline type="rss" text="Wire" xmlUrl="{server.Url("wire.xml")}"/>
              <outline type="rss" text="Gopher" xmlUrl="gopher://example.org/feed"/>
              <outline type="rss" text="Soon" xmlUrl="{server.Url("broken.xml")}" minPollMinutes="soon"/>
              <outline type="rss" text="Old style" xmlUrl="feed:{server.Url("tagged.xml").ToString()[5..]}"/>
              <outline type="rss" text="Decade" xmlUrl="{server.Url("decade.xml")}" maxPollMinutes="5256000"/>
              <outline type="rss" text="Inverted" xmlUrl="{server.Url("inverted.xml")}" minPollMinutes="120" maxPollMinutes="30"/>
            </body></opml>
            """;
        var config = await ConfigAsync(temp);
        var file = temp.File("list.opml", list);
        string[] common = ["--config", config, "--data", temp.Sub("data")];

        var import = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "import", file, .. common]);
        Assert.Equal(1, import.ExitCode);
        Assert.Equal("2 added, 0 already subscribed, 4 left out\n", import.Stdout);
        Assert.Contains($"{file}, line 3: outline \"Gopher\" has xmlUrl \"gopher://example.org/feed\", which is not an http(s) URL", import.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}, line 4: minPollMinutes=\"soon\" on {server.Url("broken.xml")} must be a whole number of minutes from 1 to 10080 (a week)", import.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}, line 6: maxPollMinutes=\"5256000\" on {server.Url("decade.xml")} must be a whole number of minutes from 1 to 10080", import.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}, line 7: minPollMinutes=\"120\" is more than maxPollMinutes=\"30\" on {server.Url("inverted.xml")}; this feed was left out", import.Stderr, StringComparison.Ordinal);
        var feeds = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains($"{server.Url("wire.xml")}  [new]  Wire", feeds.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{server.Url("tagged.xml")}  [new]  Old style", feeds.Stdout, StringComparison.Ordinal); // feed:// read as http://

        // The same list as config/feeds.opml, on another database: the good outlines are polled.
        using var other = new TempFolder();
        var otherEnv = await TestPostgres.EnvironmentAsync(backend);
        var otherConfig = await ConfigAsync(other, list);
        var run = await Processes.AggregatorAsync(other.Path, otherEnv, ["run-once", "--config", otherConfig, "--data", other.Sub("data")]);
        Assert.Contains("2 feed(s) polled: 2 fetched", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("line 3: outline \"Gopher\"", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, run.ExitCode);
        // The file is applied once, and what it left out is said by every run while it stays so (cron's).
        var again = await Processes.AggregatorAsync(other.Path, otherEnv, ["run-once", "--config", otherConfig, "--data", other.Sub("data")]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("line 3: outline \"Gopher\"", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_once_imports_config_feeds_opml_polls_every_due_feed_once_and_feeds_list_shows_health()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp, $"""
            <opml version="2.0"><body>
              <outline type="rss" text="Wire" xmlUrl="{server.Url("wire.xml")}"/>
              <outline type="rss" text="Broken" xmlUrl="{server.Url("broken.xml")}"/>
            </body></opml>
            """);
        string[] common = ["--config", config, "--data", temp.Sub("data")];

        var first = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.Equal(1, first.ExitCode); // one feed failed: reported, the other stored
        Assert.Contains("2 feed(s) polled: 1 fetched", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("entries: 2 new", first.Stdout, StringComparison.Ordinal);
        var second = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.Contains("0 feed(s) polled", second.Stdout, StringComparison.Ordinal); // nothing is due yet
        Assert.Equal(1, server.Count("/wire.xml"));

        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains("[ok]", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAILING (1 in a row)", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("last error: HTTP 503", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 item(s)", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("next poll 20", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("Z (no entry dated in the last week), 2 item(s)", list.Stdout, StringComparison.Ordinal); // why then: its one entry is from 2025
        Assert.Contains("Z (backing off after 1 failure(s) in a row), 0 item(s)", list.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("2 feed(s): 1 ok, 1 failing, 0 gone, 0 disabled, 0 not polled yet", list.Stdout, StringComparison.Ordinal);
        var onlyFailing = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--failing", .. common]);
        Assert.Contains(server.Url("broken.xml").ToString(), onlyFailing.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Url("wire.xml").ToString(), onlyFailing.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A Korean site that labels its EUC-KR feed ISO-8859-1 comes out garbled. Setting
    /// the encoding reads the kept body again at once: the stored entry is corrected in place,
    /// and the server, which would answer 304, is not asked.</summary>
    [Fact]
    public async Task Feeds_edit_encoding_and_feeds_reparse_read_the_kept_body_again_without_fetching()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var korean = System.Text.Encoding.GetEncoding("euc-kr").GetBytes("""
            <?xml version="1.0" encoding="iso-8859-1"?>
            <rss version="2.0"><channel><title>연합뉴스</title><item><guid>urn:yna:1</guid><title>한중 외교장관 회담</title>
            <description>중국과 한국의 외교장관이 베이징에서 만났다.</description></item></channel></rss>
            """);
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/yna.xml", () => Results.Bytes(korean, "application/rss+xml"));
            app.MapGet("/never.xml", () => Results.StatusCode(500));
        });
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var (feed, never) = (server.Url("yna.xml").ToString(), server.Url("never.xml").ToString());
        await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", feed, "--no-check", .. common]);
        await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", never, "--no-check", .. common]);
        await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        var garbled = await Processes.AggregatorAsync(temp.Path, env, ["items", "--json", .. common]);

        var unknown = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--encoding", "klingon", .. common]);
        var edit = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--encoding", "euc-kr", .. common]);
        var items = await Processes.AggregatorAsync(temp.Path, env, ["items", "--json", .. common]);
        var again = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "reparse", "--all", .. common]);
        var neither = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "reparse", .. common]);

        Assert.DoesNotContain("한중", garbled.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--encoding klingon: not an encoding this service knows", unknown.Stderr, StringComparison.Ordinal);
        Assert.True(edit.ExitCode == 0, edit.Stderr);
        Assert.Contains($"{feed}: 1 entries read: 0 new, 0 new sighting(s) of stored items, 1 updated, 0 unchanged", edit.Stdout, StringComparison.Ordinal);
        Assert.Contains("한중 외교장관 회담", items.Stdout, StringComparison.Ordinal);
        Assert.Contains("연합뉴스", items.Stdout, StringComparison.Ordinal); // the outlet, from the feed's title
        Assert.Single(System.Text.Json.JsonDocument.Parse(items.Stdout).RootElement.EnumerateArray()); // corrected in place, not stored beside
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"{feed}: 1 entries read: 0 new, 0 new sighting(s) of stored items, 0 updated, 1 unchanged", again.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{never}: no body kept: the feed has not been fetched successfully yet", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, neither.ExitCode);
        Assert.Equal(1, server.Count("/yna.xml")); // read again from what was kept, never fetched again
    }

    [Fact]
    public async Task Feeds_edit_fetch_original_reads_entries_from_their_pages_until_switched_off()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/short.xml", () => Results.Text("""
                <rss version="2.0"><channel><title>Short Wire</title><item><guid>urn:sw:1</guid><title>Hotline agreed</title>
                <link>/story/1</link><description>Seoul and Beijing agree.</description></item></channel></rss>
                """, "application/rss+xml"));
            app.MapGet("/story/1", () => Results.Text("""
                <html><body><nav>Home</nav><article><h1>Hotline agreed</h1>
                <p>South Korea and China agreed on Tuesday to open a hotline between their defence ministries.</p>
                <p>Officials in Seoul said the line would open next month.</p></article></body></html>
                """, "text/html"));
        });
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var feed = server.Url("short.xml").ToString();
        await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", feed, "--no-check", .. common]);
        await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);

        var wrong = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--fetch-original", "maybe", .. common]);
        var badSelector = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--article-selector", "article[[", .. common]);
        var on = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--fetch-original", "on", .. common]);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        var poll = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        var export = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common]);
        var read = await Processes.AggregatorAsync(temp.Path, env, ["items", "--json", .. common]);
        var off = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--fetch-original", "off", .. common]);
        var summary = await Processes.AggregatorAsync(temp.Path, env, ["items", "--json", .. common]);

        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("'maybe' not recognized", wrong.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badSelector.ExitCode);
        Assert.Contains("--article-selector: \"article[[\" is not a CSS selector", badSelector.Stderr, StringComparison.Ordinal);
        Assert.True(on.ExitCode == 0, on.Stderr);
        Assert.Contains("entries' own pages fetched", list.Stdout, StringComparison.Ordinal);
        Assert.True(poll.ExitCode == 0, poll.Stderr);
        Assert.Contains("fetchOriginal=\"true\"", export.Stdout, StringComparison.Ordinal);
        Assert.Contains("open a hotline between their defence ministries", read.Stdout, StringComparison.Ordinal);
        Assert.True(off.ExitCode == 0, off.Stderr);
        Assert.Contains($"{feed}: 1 entries read: 0 new, 0 new sighting(s) of stored items, 1 updated, 0 unchanged", off.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("defence ministries", summary.Stdout, StringComparison.Ordinal);
        Assert.Contains("Seoul and Beijing agree.", summary.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, server.Count("/story/1"));
    }

    /// <summary>A wire feed with sections: politics, sports, weather, markets.</summary>
    private static Task<LoopbackServer> SectionsServerAsync() => LoopbackServer.StartAsync(app => app.MapGet("/yna.xml", (HttpContext c) =>
    {
        if (c.Request.Headers.IfNoneMatch == "\"y1\"") return Results.StatusCode(304);
        c.Response.Headers.ETag = "\"y1\"";
        return Results.Text("""
            <rss version="2.0"><channel><title>Yonhap</title>
            <item><guid>urn:y:1</guid><title>Xi and Lee meet in Gyeongju</title><link>https://en.yna.co.kr/view/1</link><category>Politics</category>
              <description>Chinese President Xi Jinping and South Korean President Lee Jae-myung met on Saturday.</description></item>
            <item><guid>urn:y:2</guid><title>Doosan reach the Korean Series</title><link>https://en.yna.co.kr/view/2</link><category>Sports</category>
              <description>The Doosan Bears beat the Twins in the fifth game.</description></item>
            <item><guid>urn:y:3</guid><title>Rain across the peninsula</title><link>https://en.yna.co.kr/view/3</link><category>Weather</category>
              <description>Heavy rain is expected in Seoul and Busan.</description></item>
            <item><guid>urn:y:4</guid><title>KOSPI closes higher</title><link>https://en.yna.co.kr/view/4</link><category>Markets</category>
              <description>Shares rose on chip exports to China.</description></item>
            </channel></rss>
            """, "application/rss+xml");
    }));

    /// <summary>Aggregator:Sources:BlockRules are every feed's, besides its own; one that cannot be
    /// used stops the service from starting, naming the setting.</summary>
    [Fact]
    public async Task Configured_block_rules_apply_to_every_feed_besides_its_own()
    {
        await using var server = await SectionsServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var settings = Path.Combine(config, "aggregator.json");
        await File.WriteAllTextAsync(settings, """{"Aggregator":{"Sources":{"DocumentFolders":[],"BlockRules":["title:^rain"]}}}""", Ct);
        var add = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("yna.xml").ToString(), "--no-check", "--block", "category:sports", .. common]);
        var poll = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        await File.WriteAllTextAsync(settings, """{"Aggregator":{"Sources":{"DocumentFolders":[],"BlockRules":["title:^rain", "link:(?!https)"]}}}""", Ct);
        var refused = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);

        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.True(poll.ExitCode == 0, poll.Stdout + poll.Stderr);
        Assert.Contains("entries: 2 new, 0 new sighting(s) of stored items, 0 updated, 0 unchanged, 2 left out by their feeds' rules", poll.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Aggregator:Sources:BlockRules:1: \"link:(?!https)\": rules cannot use", refused.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Rules set in config/feeds.opml: applied from the first poll, and when the file
    /// changes them the feed is fetched whole at once (not answered 304), so that entries they
    /// now let in are stored.</summary>
    [Fact]
    public async Task Rules_in_config_feeds_opml_apply_and_a_change_reads_the_feed_again()
    {
        await using var server = await SectionsServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        string Opml(string rules) => $"""
            <opml version="2.0"><body><outline type="rss" text="Yonhap" xmlUrl="{server.Url("yna.xml")}" {rules}/></body></opml>
            """;
        var config = await ConfigAsync(temp, Opml("""blockRules="category:sports&#10;title:^rain" keepRules="gyeongju|kospi|korean" """));
        string[] common = ["--config", config, "--data", temp.Sub("data")];

        var first = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        await File.WriteAllTextAsync(Path.Combine(config, "feeds.opml"), Opml("""blockRules="title:^rain" """), Ct);
        var second = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        var items = await Processes.AggregatorAsync(temp.Path, env, ["items", "--json", .. common]);

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("entries: 2 new, 0 new sighting(s) of stored items, 0 updated, 0 unchanged, 2 left out by their feeds' rules", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains("1 feed(s) polled: 1 fetched", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("entries: 1 new, 0 new sighting(s) of stored items, 0 updated, 2 unchanged, 1 left out by their feeds' rules", second.Stdout, StringComparison.Ordinal);
        Assert.Equal([null, null], server.Requests.Where(r => r.Path == "/yna.xml").Select(r => r.IfNoneMatch).ToArray());
        Assert.Contains("Doosan reach the Korean Series", items.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Rain across", items.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A feed's own rules (--block, --keep): what they leave out is not stored and is
    /// counted; changed with `feeds edit`, the kept body is read again at once, so that entries
    /// they now let in are stored without a fetch; a rule that cannot be used is refused with the
    /// reason; they show in `feeds list` and go out with `feeds export`.</summary>
    [Fact]
    public async Task Feeds_rules_leave_entries_out_and_let_them_in_again()
    {
        await using var server = await SectionsServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var feed = server.Url("yna.xml").ToString();

        var wrong = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", feed, "--no-check", "--block", "title:(?<!North )Korea", .. common]);
        var add = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", feed, "--no-check", "--block", "category:^(sports|weather)$", .. common]);
        var poll = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        var stored = await Processes.AggregatorAsync(temp.Path, env, ["items", "--json", .. common]);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        var json = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", .. common]);
        var keep = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--keep", "text:china|chinese", .. common]);
        var export = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common]);
        var cleared = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--block", "", "--keep", "", .. common]);
        var all = await Processes.AggregatorAsync(temp.Path, env, ["items", "--json", .. common]);
        var badEdit = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feed, "--keep", "link:[", .. common]);

        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("feeds add: --block \"title:(?<!North )Korea\": rules cannot use", wrong.Stderr, StringComparison.Ordinal);
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.True(poll.ExitCode == 0, poll.Stderr);
        Assert.Contains("entries: 2 new, 0 new sighting(s) of stored items, 0 updated, 0 unchanged, 2 left out by their feeds' rules", poll.Stdout, StringComparison.Ordinal);
        Assert.Contains("Xi and Lee meet", stored.Stdout, StringComparison.Ordinal);
        Assert.Contains("KOSPI closes higher", stored.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Doosan", stored.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Rain across", stored.Stdout, StringComparison.Ordinal);
        Assert.Contains("entries left out when they match \"category:^(sports|weather)$\"", list.Stdout, StringComparison.Ordinal);
        var listed = System.Text.Json.JsonDocument.Parse(json.Stdout).RootElement[0];
        Assert.Equal(["category:^(sports|weather)$"], listed.GetProperty("blockRules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(0, listed.GetProperty("keepRules").GetArrayLength());

        // Keep rules on top: read again from the kept body, the summit and KOSPI stay stored (rules
        // are for entries read from now on) and nothing is fetched.
        Assert.True(keep.ExitCode == 0, keep.Stderr);
        Assert.Contains($"{feed}: 2 entries read: 0 new, 0 new sighting(s) of stored items, 0 updated, 2 unchanged; 2 left out by its rules\n"
            + "  left out: Doosan reach the Korean Series\n  left out: Rain across the peninsula\n", keep.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var outline = XDocument.Parse(export.Stdout).Descendants("outline").Single();
        Assert.Equal("category:^(sports|weather)$", (string?)outline.Attribute("blockRules"));
        Assert.Equal("text:china|chinese", (string?)outline.Attribute("keepRules"));

        // Both cleared: the entries left out are stored at once.
        Assert.True(cleared.ExitCode == 0, cleared.Stderr);
        Assert.Contains($"{feed}: 4 entries read: 2 new, 0 new sighting(s) of stored items, 0 updated, 2 unchanged", cleared.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("left out", cleared.Stdout, StringComparison.Ordinal);
        Assert.Contains("Doosan reach the Korean Series", all.Stdout, StringComparison.Ordinal);
        Assert.Contains("Rain across the peninsula", all.Stdout, StringComparison.Ordinal);

        Assert.Equal(2, badEdit.ExitCode);
        Assert.Contains("feeds edit: --keep \"link:[\": Invalid pattern", badEdit.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, server.Count("/yna.xml"));
    }

    [Fact]
    public async Task A_title_given_to_feeds_add_outlives_polls_and_round_trips_through_opml()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];

        var add = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("wire.xml").ToString(), "--title", "Seoul desk", .. common]);
        Assert.True(add.ExitCode == 0, add.Stderr);
        var poll = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.Contains("1 feed(s) polled: 1 fetched", poll.Stdout, StringComparison.Ordinal);

        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains("[ok]  Seoul desk", list.Stdout, StringComparison.Ordinal); // the poll read "Loopback Wire" and kept the name
        Assert.Contains("the feed's own title: Loopback Wire", list.Stdout, StringComparison.Ordinal);
        var export = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common]);
        var outline = Assert.Single(XDocument.Parse(export.Stdout).Descendants("outline"));
        Assert.Equal("Seoul desk", (string?)outline.Attribute("text"));
        Assert.Equal("Loopback Wire", (string?)outline.Attribute("title"));

        // Subscribed again from that file: the name comes along; so does a name written as both
        // text and title (as most readers export the subscriber's name) that the feed's own
        // title turns out to differ from.
        Assert.Equal(0, (await Processes.AggregatorAsync(temp.Path, env, ["feeds", "remove", server.Url("wire.xml").ToString(), .. common])).ExitCode);
        var opml = temp.File("exported.opml", export.Stdout.Replace("</body>", $"""<outline type="rss" text="Old name" title="Old name" xmlUrl="{server.Url("tagged.xml")}"/></body>""", StringComparison.Ordinal));
        var import = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "import", opml, .. common]);
        Assert.Contains("2 added", import.Stdout, StringComparison.Ordinal);
        await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        var imported = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains("[ok]  Seoul desk", imported.Stdout, StringComparison.Ordinal);
        Assert.Contains("[ok]  Old name", imported.Stdout, StringComparison.Ordinal);
        Assert.Contains("the feed's own title: Tagged Wire", imported.Stdout, StringComparison.Ordinal);

        // Renamed back to the feed's own title and filed under a folder.
        var edit = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", server.Url("wire.xml").ToString(), "--title", "", "--folder", "Wires", .. common]);
        Assert.True(edit.ExitCode == 0, edit.Stderr);
        var edited = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains("[ok]  Loopback Wire  (in Wires)", edited.Stdout, StringComparison.Ordinal);
        // Paused and resumed.
        Assert.Equal(0, (await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", server.Url("wire.xml").ToString(), "--disable", .. common])).ExitCode);
        Assert.Contains("[disabled]  Loopback Wire", (await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common])).Stdout, StringComparison.Ordinal);
        Assert.Contains("1 feed(s) polled", (await Processes.AggregatorAsync(temp.Path, env, ["run-once", "--all", .. common])).Stdout, StringComparison.Ordinal); // of two
        Assert.Equal(0, (await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", server.Url("wire.xml").ToString(), "--enable", .. common])).ExitCode);
        Assert.Contains("[ok]  Loopback Wire", (await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common])).Stdout, StringComparison.Ordinal);
        var unknown = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", server.Url("nowhere.xml").ToString(), "--folder", "Wires", .. common]);
        Assert.Equal((1, "", $"not subscribed: {server.Url("nowhere.xml")}\n"), (unknown.ExitCode, unknown.Stdout, unknown.Stderr));
        var folderInstead = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "import", temp.Path, .. common]);
        Assert.Equal((2, $"feeds import: {temp.Path} is a folder; give the OPML file a feed reader exported\n"), (folderInstead.ExitCode, folderInstead.Stderr));
        if (backend == Backend.Sqlite) // PostgreSQL keeps nothing in the data folder
        {
            var dataIsAFile = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--config", config, "--data", opml]);
            Assert.Equal(2, dataIsAFile.ExitCode);
            Assert.StartsWith($"error: the data folder {opml} cannot be used:", dataIsAFile.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Editing_config_feeds_opml_changes_the_feeds_it_lists_that_are_subscribed_already()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        string Opml(string tagged, string wire) => $"""
            <opml version="2.0"><body>
              <outline type="rss" xmlUrl="{server.Url("tagged.xml")}" {tagged}/>
              <outline type="rss" xmlUrl="{server.Url("wire.xml")}" {wire}/>
            </body></opml>
            """;
        var config = await ConfigAsync(temp, Opml("""text="Tagged" """, """text="Wire" """));
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var first = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.Contains("2 feed(s) polled: 2 fetched", first.Stdout, StringComparison.Ordinal);

        // The subscriber sees mojibake, sets an encoding, renames one feed and disables the other.
        await File.WriteAllTextAsync(Path.Combine(config, "feeds.opml"), Opml("""text="Tagged, renamed" encoding="iso-8859-1" maxPollMinutes="60" """, """text="Wire" enabled="false" """), Ct);
        var second = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        // The feed with a new encoding is due at once and fetched whole, not answered 304 about
        // the body it misread; the disabled one is not polled.
        Assert.Contains("1 feed(s) polled: 1 fetched", second.Stdout, StringComparison.Ordinal);
        Assert.Equal([null, null], server.Requests.Where(r => r.Path == "/tagged.xml").Select(r => r.IfNoneMatch).ToArray());
        Assert.Equal(1, server.Count("/wire.xml"));

        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains("[ok]  Tagged, renamed", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("[disabled]  Wire", list.Stdout, StringComparison.Ordinal);
        var export = XDocument.Parse((await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common])).Stdout);
        var tagged = export.Descendants("outline").Single(o => (string?)o.Attribute("xmlUrl") == server.Url("tagged.xml").ToString());
        Assert.Equal(("iso-8859-1", "60"), ((string?)tagged.Attribute("encoding"), (string?)tagged.Attribute("maxPollMinutes")));

        // Unchanged settings are not touched: the next poll is conditional again.
        var third = await Processes.AggregatorAsync(temp.Path, env, ["run-once", "--all", .. common]);
        Assert.Contains("1 not modified", third.Stdout, StringComparison.Ordinal);
        Assert.Equal("\"v1\"", server.Requests.Last(r => r.Path == "/tagged.xml").IfNoneMatch);

        // Emptied after it listed feeds: nothing unsubscribed, and said. The file as shipped,
        // empty from the start, said the same at every first start.
        await File.WriteAllTextAsync(Path.Combine(config, "feeds.opml"), "<opml version=\"2.0\"><body></body></opml>", Ct);
        var emptied = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.Contains("lists no feeds: nothing was unsubscribed", emptied.Stdout + emptied.Stderr, StringComparison.Ordinal);
        Assert.Contains("[ok]  Tagged, renamed", (await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common])).Stdout, StringComparison.Ordinal);
        var fresh = await Processes.AggregatorAsync(temp.Path, env, ["run-once", "--config", config, "--data", temp.Sub("fresh")]);
        Assert.True(fresh.ExitCode == 0, fresh.Stdout + fresh.Stderr);
        Assert.DoesNotContain("lists no feeds", fresh.Stdout + fresh.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A feed taken out of config/feeds.opml stopped being listed but stayed subscribed,
    /// polled for ever, and nothing said so. It is unsubscribed when the file changes, as
    /// `feeds remove` does; a feed added with the CLI is not the file's to remove, an outline
    /// left out for a typo keeps its feed, and one moved by a permanent redirect is still the
    /// one the file lists under its old address.</summary>
    [Fact]
    public async Task A_feed_taken_out_of_config_feeds_opml_is_unsubscribed_and_no_other()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        string Opml(params string[] outlines) =>
            $"<opml version=\"2.0\"><body>{string.Concat(outlines.Select(o => $"\n<outline type=\"rss\" {o}/>"))}\n</body></opml>";
        string Outline(string path, string attributes = "") => $"xmlUrl=\"{server.Url(path)}\" {attributes}";
        var config = await ConfigAsync(temp, Opml(Outline("old.xml", "text=\"Moved\""), Outline("tagged.xml"), Outline("packed.xml")));
        var file = Path.Combine(config, "feeds.opml");
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        Assert.Equal(0, (await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("feed/").ToString(), .. common])).ExitCode);
        var first = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Task<string[]> SubscribedAsync() => SubscribedUrlsAsync(temp, env, common);
        string[] Urls(params string[] paths) => paths.Select(p => server.Url(p).ToString()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Urls("feed/", "packed.xml", "tagged.xml", "wire.xml"), await SubscribedAsync());

        // tagged.xml is taken out; packed.xml's outline gets a bound that is not a number.
        await File.WriteAllTextAsync(file, Opml(Outline("old.xml", "text=\"Moved, renamed\""), Outline("packed.xml", "maxPollMinutes=\"soon\"")), Ct);
        var second = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.Equal(1, second.ExitCode); // for the outline left out
        Assert.Contains($"unsubscribed from {server.Url("tagged.xml")}: {file} no longer lists it", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(Urls("feed/", "packed.xml", "wire.xml"), await SubscribedAsync());

        // Listed again, it is subscribed again.
        await File.WriteAllTextAsync(file, Opml(Outline("old.xml"), Outline("packed.xml"), Outline("tagged.xml")), Ct);
        Assert.Equal(0, (await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common])).ExitCode);
        Assert.Equal(Urls("feed/", "packed.xml", "tagged.xml", "wire.xml"), await SubscribedAsync());

        // The list as `feeds export` writes it: the moved feed under its new address, the feed
        // added with the CLI listed too. Nothing is unsubscribed, and nothing subscribed twice.
        await File.WriteAllTextAsync(file, Opml(Outline("wire.xml"), Outline("packed.xml"), Outline("tagged.xml"), Outline("feed/")), Ct);
        var exported = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.True(exported.ExitCode == 0, exported.Stdout + exported.Stderr);
        Assert.DoesNotContain("unsubscribed", exported.Stdout, StringComparison.Ordinal);
        Assert.Equal(Urls("feed/", "packed.xml", "tagged.xml", "wire.xml"), await SubscribedAsync());

        // Taken out under its new address, the moved feed goes; the CLI's feed stays, listed or not.
        await File.WriteAllTextAsync(file, Opml(Outline("packed.xml"), Outline("tagged.xml")), Ct);
        Assert.Equal(0, (await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common])).ExitCode);
        Assert.Equal(Urls("feed/", "packed.xml", "tagged.xml"), await SubscribedAsync());

        // A file emptied (by mistake, more likely than not) unsubscribes nothing.
        await File.WriteAllTextAsync(file, Opml(), Ct);
        Assert.Equal(0, (await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common])).ExitCode);
        Assert.Equal(Urls("feed/", "packed.xml", "tagged.xml"), await SubscribedAsync());
    }

    /// <summary>Two instances on one database with different subscription files (a rolling
    /// upgrade, a forgotten copy) applied theirs in turn at every tick, unsubscribing and
    /// subscribing the same feeds for ever. The file written last wins; an older one is said
    /// to differ and is not applied, until it is edited (then it is the newest).</summary>
    [Fact]
    public async Task Instances_with_different_subscription_files_do_not_undo_each_other()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        string Opml(params string[] paths) =>
            $"<opml version=\"2.0\"><body>{string.Concat(paths.Select(p => $"\n<outline type=\"rss\" xmlUrl=\"{server.Url(p)}\"/>"))}\n</body></opml>";
        var newer = await ConfigAsync(temp, Opml("tagged.xml", "packed.xml"));
        var older = temp.Sub("older-config");
        foreach (var name in new[] { "topics.json", "aggregator.json" }) File.Copy(Path.Combine(newer, name), Path.Combine(older, name));
        await File.WriteAllTextAsync(Path.Combine(older, "feeds.opml"), Opml("tagged.xml"), Ct);
        File.SetLastWriteTimeUtc(Path.Combine(older, "feeds.opml"), File.GetLastWriteTimeUtc(Path.Combine(newer, "feeds.opml")).AddHours(-1));
        var data = temp.Sub("data");
        Task<ProcessResult> RunOnceAsync(string config) => Processes.AggregatorAsync(temp.Path, env, ["run-once", "--config", config, "--data", data]);
        Task<string[]> SubscribedAsync() => SubscribedUrlsAsync(temp, env, ["--config", newer, "--data", data]);
        string[] both = [server.Url("packed.xml").ToString(), server.Url("tagged.xml").ToString()];

        Assert.Equal(0, (await RunOnceAsync(newer)).ExitCode);
        var stale = await RunOnceAsync(older);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("differs from the subscription list another instance applied from a file written later", stale.Stdout + stale.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unsubscribed", stale.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(both, await SubscribedAsync());
        var again = await RunOnceAsync(newer);
        Assert.DoesNotContain("Applied", again.Stdout + again.Stderr, StringComparison.Ordinal); // nothing to apply: its file is the one applied
        Assert.Equal(both, await SubscribedAsync());

        // Edited, the other file is the newest, and is applied.
        await File.WriteAllTextAsync(Path.Combine(older, "feeds.opml"), Opml("tagged.xml"), Ct);
        var edited = await RunOnceAsync(older);
        Assert.Contains($"unsubscribed from {server.Url("packed.xml")}", edited.Stdout, StringComparison.Ordinal);
        Assert.Equal([server.Url("tagged.xml").ToString()], await SubscribedAsync());
    }

    /// <summary>What users moving from other tools met in config/feeds.opml: a list saved in EUC-KR
    /// was refused on a fresh install, a broken file left `run-once` exiting 0, a new upper bound
    /// in the file did not bring the next poll forward as `feeds edit` does, enabled="0" meant
    /// enabled, and an export under a Latin-1 locale turned Korean names into "???".</summary>
    [Fact]
    public async Task Config_feeds_opml_in_a_legacy_encoding_broken_or_edited_is_applied_or_reported()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        string Opml(string wireAttributes) => $"""
            <?xml version="1.0" encoding="euc-kr"?>
            <opml version="2.0"><body>
              <outline text="연합뉴스" xmlUrl="{server.Url("wire.xml")}" {wireAttributes}/>
              <outline text="꺼진 피드" xmlUrl="{server.Url("tagged.xml")}" enabled="0"/>
            </body></opml>
            """;
        var config = await ConfigAsync(temp);
        var file = Path.Combine(config, "feeds.opml");
        await File.WriteAllBytesAsync(file, System.Text.Encoding.GetEncoding("euc-kr").GetBytes(Opml("")), Ct);
        string[] common = ["--config", config, "--data", temp.Sub("data")];

        var before = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains($"note: {file} has changes not applied yet", before.Stderr, StringComparison.Ordinal);
        var first = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("1 feed(s) polled: 1 fetched", first.Stdout, StringComparison.Ordinal); // the disabled one is not polled
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", .. common]);
        var feeds = System.Text.Json.JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray()
            .ToDictionary(f => f.GetProperty("url").GetString()!, f => f);
        var wire = feeds[server.Url("wire.xml").ToString()];
        Assert.Equal("연합뉴스", wire.GetProperty("customTitle").GetString());
        Assert.True(wire.GetProperty("nextPollAt").GetDateTime() > DateTime.UtcNow.AddHours(20)); // its one entry is from 2025
        var disabled = feeds[server.Url("tagged.xml").ToString()];
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.StartsWith("disabled", disabled.GetProperty("nextPollReason").GetString(), StringComparison.Ordinal);

        // A new upper bound in the file brings the next poll within it.
        await File.WriteAllBytesAsync(file, System.Text.Encoding.GetEncoding("euc-kr").GetBytes(Opml("""maxPollMinutes="20" """)), Ct);
        var second = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        var bounded = System.Text.Json.JsonDocument.Parse((await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", .. common])).Stdout)
            .RootElement.EnumerateArray().Single(f => f.GetProperty("url").GetString() == server.Url("wire.xml").ToString());
        Assert.InRange(bounded.GetProperty("nextPollAt").GetDateTime(), DateTime.UtcNow, DateTime.UtcNow.AddMinutes(21));
        Assert.Equal("the upper bound set in the subscription list", bounded.GetProperty("nextPollReason").GetString());
        var human = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains("  its own settings: at least every 20 min", human.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", human.Stderr, StringComparison.Ordinal);

        // A broken file is reported, and the run says so in its exit code; the feeds stay subscribed.
        await File.WriteAllTextAsync(file, "<opml version=\"2.0\"><body><outline text=\"A & B\" xmlUrl=\"http://127.0.0.1:9/x.xml\"/></body></opml>", Ct);
        var broken = await Processes.AggregatorAsync(temp.Path, env, ["run-once", "--all", .. common]);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"subscription list not applied: {file}: not well-formed OPML at line 1", broken.Stderr, StringComparison.Ordinal);
        Assert.Contains("1 feed(s) polled", broken.Stdout, StringComparison.Ordinal);
        // `feeds list` says it will not be applied as it is, not that the next poll applies it.
        var brokenList = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains($"note: {file}: not well-formed OPML at line 1", brokenList.Stderr, StringComparison.Ordinal);
        Assert.Contains("it cannot be applied until it is fixed", brokenList.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("applies them at its next poll", brokenList.Stderr, StringComparison.Ordinal);

        // OPML is UTF-8 as its declaration says, whatever the locale.
        var latin1 = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["LC_ALL"] = "en_US.ISO-8859-1", ["LANG"] = "en_US.ISO-8859-1" };
        var export = await Processes.AggregatorAsync(temp.Path, latin1, ["feeds", "export", .. common]);
        Assert.Contains("text=\"연합뉴스\"", export.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_prints_the_conformance_record_of_a_file()
    {
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", "--json", RepoPaths.TestData("feeds", "rss20_euc_kr.xml"));
        Assert.Equal(0, result.ExitCode);
        var json = System.Text.Json.JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("연합뉴스", json.GetProperty("feed").GetProperty("title").GetString());
        Assert.Equal("2025-11-05T05:30:00Z", json.GetProperty("entries")[0].GetProperty("published").GetString());
    }

    [Fact]
    public async Task Feeds_add_refuses_an_address_that_says_it_is_not_there()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];

        var missing = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("missing.xml").ToString(), .. common]);
        var removed = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("removed.xml").ToString(), .. common]);
        var broken = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("broken.xml").ToString(), .. common]);
        var anyway = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", "--no-check", server.Url("missing.xml").ToString(), .. common]);
        // No retry mends these: a redirect loop, and https to a server that speaks plain http.
        var loop = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("loop").ToString(), .. common]);
        var tls = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", "https" + server.Url("wire.xml").ToString()[4..], .. common]);

        Assert.Equal((1, 1, 0, 0), (missing.ExitCode, removed.ExitCode, broken.ExitCode, anyway.ExitCode));
        Assert.Equal((1, 1), (loop.ExitCode, tls.ExitCode));
        Assert.Contains("redirect loop", loop.Stderr, StringComparison.Ordinal);
        Assert.Contains($"does the server speak plain http? then: aggregator feeds add '{server.Url("wire.xml")}'", tls.Stderr, StringComparison.Ordinal);
        Assert.Contains("HTTP 404 Not Found; not added (add it anyway with --no-check)", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("410 Gone", removed.Stderr, StringComparison.Ordinal);
        Assert.Contains("added anyway, it will be retried", broken.Stdout, StringComparison.Ordinal);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains(server.Url("missing.xml").ToString(), list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("removed.xml", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("loop", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feeds_edit_sets_a_feed_s_own_poll_bounds_within_a_week_and_in_order()
    {
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        const string url = "http://127.0.0.1:9/bounds.xml";
        await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", url, "--no-check", .. common]);

        var set = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", url, "--min-poll", "30", "--max-poll", "120", .. common]);
        var inverted = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", url, "--min-poll", "200", .. common]);
        var decade = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", url, "--max-poll", "5256000", .. common]);
        var exported = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common]);
        var cleared = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", url, "--max-poll", "", .. common]);
        var after = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common]);

        Assert.True(set.ExitCode == 0, set.Stderr);
        Assert.Contains("minPollMinutes=\"30\" maxPollMinutes=\"120\"", exported.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, inverted.ExitCode);
        Assert.Contains("the lower bound (200 min) would be above the upper (120 min)", inverted.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, decade.ExitCode);
        Assert.Contains("--max-poll 5256000: give whole minutes from 1 to 10080 (a week)", decade.Stderr, StringComparison.Ordinal);
        Assert.True(cleared.ExitCode == 0, cleared.Stderr);
        Assert.Contains("minPollMinutes=\"30\"", after.Stdout, StringComparison.Ordinal); // the other bound stays
        Assert.DoesNotContain("maxPollMinutes", after.Stdout, StringComparison.Ordinal);
    }

    /// <summary>`feeds edit` and `feeds remove` take the address the subscriber knows: the one a
    /// permanent redirect has since replaced, and one typed without its scheme.</summary>
    [Fact]
    public async Task Feeds_edit_and_remove_take_the_address_before_a_redirect_and_one_without_a_scheme()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", "--no-check", server.Url("old.xml").ToString(), .. common]);
        await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]); // moved to wire.xml

        var bounds = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", server.Url("old.xml").ToString(), "--max-poll", "30", .. common]);
        var export = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common]);
        var removed = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "remove", server.Url("wire.xml").ToString()["http://".Length..], .. common]);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);

        Assert.True(bounds.ExitCode == 0, bounds.Stderr);
        Assert.Contains($"xmlUrl=\"{server.Url("wire.xml")}\" maxPollMinutes=\"30\"", export.Stdout, StringComparison.Ordinal);
        Assert.True(removed.ExitCode == 0, removed.Stderr);
        Assert.Contains("No subscriptions", list.Stdout, StringComparison.Ordinal);
    }

    /// <summary>`feeds add` judges a feed as its polls will: one broken before its first entry is
    /// refused with the reason every poll would fail with, and one read only by working around
    /// a problem (here GBK bytes with no label, read as windows-1252) says so before it is added.</summary>
    [Fact]
    public async Task Feeds_add_refuses_a_feed_no_poll_could_read_and_says_what_a_poll_works_around()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];

        var cut = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("cut.xml").ToString(), .. common]);
        var swallowed = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("swallowed.xml").ToString(), .. common]);
        var gbk = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", server.Url("unlabelled-gbk.xml").ToString(), .. common]);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", .. common]);

        Assert.Equal(1, cut.ExitCode);
        Assert.Contains($"{server.Url("cut.xml")}: not well-formed XML", cut.Stderr, StringComparison.Ordinal);
        Assert.Contains("no entry could be read; not added (add it anyway with --no-check)", cut.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, swallowed.ExitCode); // its one entry lost to a repair of the title before it
        Assert.Contains("markup broken before them left none readable; no entry could be read; not added", swallowed.Stderr, StringComparison.Ordinal);
        Assert.True(gbk.ExitCode == 0, gbk.Stderr);
        Assert.Contains("  recovered: ", gbk.Stdout, StringComparison.Ordinal);
        Assert.Contains("windows-1252", gbk.Stdout, StringComparison.Ordinal);
        Assert.Equal([server.Url("unlabelled-gbk.xml").ToString()],
            System.Text.Json.JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Select(f => f.GetProperty("url").GetString()));
    }

    /// <summary>Every verb that takes a subscription's address takes it as `feeds add` did (feed://
    /// included), and none echoes a password typed in it: not on success, not on failure.</summary>
    [Fact]
    public async Task Feeds_verbs_take_feed_scheme_addresses_and_never_echo_a_password()
    {
        await using var server = await ServerAsync();
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var wire = server.Url("wire.xml").ToString();
        var feedScheme = "feed://" + wire["http://".Length..];
        var withPassword = wire.Replace("http://", "http://alice:s3cr@t@", StringComparison.Ordinal);

        var outputs = new List<ProcessResult>
        {
            await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", "--no-check", feedScheme, .. common]),
            await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", feedScheme, "--title", "Wire", .. common]),
            await Processes.AggregatorAsync(temp.Path, env, ["feeds", "reparse", feedScheme, .. common]),
            await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", withPassword, "--title", "Wire 2", .. common]),
            await Processes.AggregatorAsync(temp.Path, env, ["feeds", "remove", "feed:" + withPassword, .. common]),
        };
        var missing = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "remove", "feed:" + withPassword, .. common]);
        var schemeless = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "remove", withPassword["http://".Length..], .. common]);
        var hashInPassword = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", "--no-check", wire.Replace("http://", "http://alice:s3cr#t@", StringComparison.Ordinal), .. common]);
        var parsed = await Processes.AggregatorAsync(temp.Path, env, ["parse", "feed:" + withPassword, .. common]);
        var named = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", "--no-check", wire, "--title", "Line one\nLine two", "--folder", "F1\n F2/Sub", .. common]);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", .. common]);

        Assert.All(outputs.Take(2).Append(outputs[3]).Append(outputs[4]), o => Assert.True(o.ExitCode == 0, o.Stdout + o.Stderr));
        Assert.Contains($"{wire}: no body kept", outputs[2].Stderr, StringComparison.Ordinal); // found, not "not subscribed"
        Assert.Equal($"removed {wire}", outputs[4].Stdout.Trim());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"not subscribed: feed:http://…@{wire["http://".Length..]}", missing.Stderr, StringComparison.Ordinal);
        Assert.All(outputs.Append(missing).Append(schemeless).Append(hashInPassword).Append(parsed), o => Assert.DoesNotContain("s3cr", o.Stdout + o.Stderr, StringComparison.Ordinal));
        Assert.NotEqual(2, parsed.ExitCode); // read as the address it is (an @ in the password), not "no such file"
        // Names typed on the command line are one line, as a list's are.
        Assert.True(named.ExitCode == 0, named.Stderr);
        var feed = System.Text.Json.JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single(f => f.GetProperty("url").GetString() == wire);
        Assert.Equal(("Line one Line two", "F1 F2/Sub"), (feed.GetProperty("customTitle").GetString(), feed.GetProperty("folder").GetString()));
    }

    /// <summary>`parse` signs in with a user name and password in the address, as `feeds add`
    /// does, and never echoes the password, in its text or in the record's "file".</summary>
    [Fact]
    public async Task Parse_signs_in_with_credentials_in_the_address_and_does_not_echo_them()
    {
        await using var server = await ServerAsync();
        var address = server.Url("members.xml").ToString().Replace("http://", "http://alice:s3cr%40t@", StringComparison.Ordinal);

        var text = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", address);
        var json = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", address, "--json");
        var refused = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", address.Replace("s3cr%40t", "wrong", StringComparison.Ordinal));

        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("Loopback Wire", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(server.Url("members.xml").ToString(), System.Text.Json.JsonDocument.Parse(json.Stdout).RootElement.GetProperty("file").GetString());
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("HTTP 401", refused.Stderr, StringComparison.Ordinal);
        Assert.All(new[] { text, json, refused }, o => Assert.DoesNotContain("s3cr", o.Stdout + o.Stderr, StringComparison.Ordinal));
        Assert.DoesNotContain("wrong", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_fetches_a_url_as_a_poll_does()
    {
        await using var server = await ServerAsync();

        using var temp = new TempFolder();
        var cut = temp.File("cut.xml", "<rss version=\"2.0\"><channel><title>Cut</title><item><title>Never fin");
        var packed = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", server.Url("packed.xml").ToString());
        var missing = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", server.Url("missing.xml").ToString());
        var broken = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", cut);

        Assert.True(packed.ExitCode == 0, packed.Stderr);
        Assert.Contains("Loopback Wire", packed.Stdout, StringComparison.Ordinal); // gzip decoded
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"{server.Url("missing.xml")}: HTTP 404 Not Found", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, broken.ExitCode); // broken before its first entry: a poll's failure, so parse's too
        Assert.Equal(0, server.Requests.Count(r => r.UserAgent is null || !r.UserAgent.StartsWith("Aggregator/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Feeds_import_reads_namespaced_lists_counts_repeats_and_says_when_a_file_lists_no_feeds()
    {
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var namespaced = Path.Combine(temp.Path, "spec2.opml");
        await File.WriteAllTextAsync(namespaced, """
            <opml version="2.0" xmlns="http://opml.org/spec2"><body>
              <outline text="News"><outline text="A" xmlURL="http://a.example/feed"/></outline>
              <outline text="B" xmlUrl="http://B.EXAMPLE/feed"/>
              <outline text="B again" xmlUrl="http://b.example/feed"/>
            </body></opml>
            """, Ct);
        var feed = Path.Combine(temp.Path, "feed.xml");
        await File.WriteAllTextAsync(feed, FeedPollingTests.Rss, Ct);

        var imported = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "import", namespaced, .. common]);
        var notOpml = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "import", feed, .. common]);
        var empty = Path.Combine(temp.Path, "empty.opml");
        await File.WriteAllTextAsync(empty, "<opml version=\"2.0\"><body><outline text=\"Folder only\"/></body></opml>", Ct);
        var nothing = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "import", empty, .. common]);

        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Contains("2 added, 0 already subscribed, 1 listed twice in the file", imported.Stdout, StringComparison.Ordinal);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains("http://a.example/feed  [new]  A  (in News)", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("http://b.example/feed  [new]  B", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, notOpml.ExitCode);
        Assert.Contains("not an OPML file (its root element is <rss>)", notOpml.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("lists no feeds", nothing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feed_behind_authentication_signs_in_to_its_own_host_only_and_its_password_is_never_shown()
    {
        const string password = "s3cret-pass";
        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("alice:" + password));
        var sentElsewhere = new System.Collections.Concurrent.ConcurrentBag<string?>();
        await using var elsewhere = await LoopbackServer.StartAsync(app => app.MapGet("/mirror.xml", (HttpContext c) =>
        {
            sentElsewhere.Add(c.Request.Headers.Authorization.FirstOrDefault());
            return Results.Text(FeedPollingTests.Rss.Replace("urn:x:", "urn:mirror:", StringComparison.Ordinal), "application/rss+xml");
        }), "127.0.0.2");
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/private.xml", (HttpContext c) => c.Request.Headers.Authorization == expected
                ? Results.Text(FeedPollingTests.Rss, "application/rss+xml")
                : Results.StatusCode(401));
            app.MapGet("/moved.xml", (HttpContext c) => c.Request.Headers.Authorization == expected
                ? Results.Redirect(elsewhere.Url("mirror.xml").ToString())
                : Results.StatusCode(401));
        });
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var config = await ConfigAsync(temp);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        var url = server.Url("private.xml").ToString();
        var withUserInfo = server.Url("moved.xml").ToString().Replace("http://", $"http://alice:{password}@", StringComparison.Ordinal);

        var refused = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", url, .. common]);
        var added = await Processes.RunAsync("dotnet", [RepoPaths.ProgramDll, "feeds", "add", url, "--user", "alice", "--password-stdin", .. common], temp.Path, env, stdin: password + "\n");
        var fromAddress = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "add", withUserInfo, .. common]);
        var poll = await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        var list = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        var json = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", "--json", .. common]);
        var export = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "export", .. common]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("wants a user name and password; not added (give them with --user NAME --password-stdin)", refused.Stderr, StringComparison.Ordinal);
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Contains("(signing in as alice)", added.Stdout, StringComparison.Ordinal);
        Assert.True(fromAddress.ExitCode == 0, fromAddress.Stderr);
        Assert.True(poll.ExitCode == 0, poll.Stdout + poll.Stderr);
        Assert.Contains("2 fetched", poll.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{server.Url("moved.xml")}  [ok]", list.Stdout, StringComparison.Ordinal); // stored without the user info
        Assert.Equal(2, list.Stdout.Split("signs in as alice").Length - 1);
        Assert.All(sentElsewhere, header => Assert.Null(header)); // the redirect to another host did not carry them
        Assert.NotEmpty(sentElsewhere);
        foreach (var output in new[] { added, fromAddress, poll, list, json, export })
            Assert.DoesNotContain(password, output.Stdout + output.Stderr, StringComparison.Ordinal);

        var dropped = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "edit", url, "--no-credentials", .. common]);
        Assert.Equal(0, dropped.ExitCode);
        await Processes.AggregatorAsync(temp.Path, env, ["run-once", .. common]);
        var after = await Processes.AggregatorAsync(temp.Path, env, ["feeds", "list", .. common]);
        Assert.Contains("HTTP 401 Unauthorized: the feed wants a user name and password (feeds edit URL --user NAME --password-stdin)", after.Stdout, StringComparison.Ordinal);
    }
}

public sealed class FeedsCliTestsOnSqlite() : FeedsCliTests(Backend.Sqlite);

public sealed class FeedsCliTestsOnPostgres() : FeedsCliTests(Backend.Postgres);
