using System.Text;
using Aggregator.Ingestion;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Aggregator.Tests.TestSupport.LoopbackFeeds;

namespace Aggregator.Tests.Fetching;

/// <summary>Feeds that carry a line of each story, read from their entries' own pages (`feeds
/// edit --fetch-original on`): pages served on loopback, fetched once, kept, read again after a
/// change of the feed and by `feeds reparse`, and a page that fails costing its entry nothing.</summary>
public abstract class OriginalPageTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A news page as sites build them: navigation, a teaser card marked as an article
    /// before the story's own article, a lazily loaded image, a relative link, an aside.</summary>
    private const string HotlinePage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Seoul and Beijing open a defence hotline | Loopback Times</title>
        <meta property="og:site_name" content="Loopback Times"></head>
        <body>
        <nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <article class="card"><h2><a href="/news/other">Markets close higher</a></h2><p>A teaser of another story.</p></article>
        <article class="story">
          <h1>Seoul and Beijing open a defence hotline</h1>
          <p>South Korea and China agreed on Tuesday to open a hotline between their defence ministries, officials in Seoul said.</p>
          <p>The agreement follows <a href="/news/talks">months of working-level talks</a> and a summit in Gyeongju last year.</p>
          <p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/hotline.jpg" alt="Officials shake hands"></p>
          <p>Beijing's foreign ministry said the line would help both sides avoid misunderstandings in the Yellow Sea.</p>
        </article>
        <aside><h3>Most read</h3><p>Something else entirely that readers liked.</p></aside>
        <footer>© Loopback Times</footer>
        </body></html>
        """;

    private static string Feed(params string[] slugs) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Loopback Times</title><link>http://example.org/</link>"
        + string.Concat(slugs.Select(slug => $"<item><title>Story {slug}</title><link>/news/{slug}</link><guid>urn:lt:{slug}</guid>"
            + $"<description>Seoul and Beijing, in one line ({slug}).</description></item>"))
        + "</channel></rss>";

    [Fact]
    public async Task Each_entry_is_read_from_its_own_page_fetched_once_and_kept_for_later_polls_and_reparse()
    {
        var feed = Feed("hotline", "missing", "report");
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/feed.xml", () => Results.Text(feed, "application/rss+xml"));
            app.MapGet("/news/hotline", () => Results.Text(HotlinePage, "text/html; charset=utf-8"));
            app.MapGet("/news/missing", () => Results.NotFound());
            app.MapGet("/news/report", () => Results.Bytes(Encoding.ASCII.GetBytes("%PDF-1.7 ..."), "application/pdf"));
            app.MapGet("/news/later", () => Results.Text(HotlinePage.Replace("Yellow Sea", "Yellow Sea and beyond", StringComparison.Ordinal), "text/html"));
        });
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url("feed.xml").AbsoluteUri, null, FetchOriginal: true), Ct);
        var subscribed = (await app.Get<FeedStore>().ListAsync(Ct)).Single();

        var first = await PollAsync(app);

        Assert.Equal(3, first.Inserted);
        var items = await ItemsAsync(app);
        var hotline = items["Story hotline"];
        Assert.Contains("open a hotline between their defence ministries", hotline.Body, StringComparison.Ordinal);
        Assert.Contains("avoid misunderstandings in the Yellow Sea", hotline.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("teaser of another story", hotline.Body, StringComparison.Ordinal); // the card before the story is not the story
        Assert.DoesNotContain("Most read", hotline.Body, StringComparison.Ordinal);
        // Its HTML as published: links and the lazy image absolute against the page, the headline not repeated.
        Assert.Contains($"href=\"{server.Url("news/talks")}\"", hotline.ContentHtml, StringComparison.Ordinal);
        Assert.Contains($"src=\"{server.Url("img/hotline.jpg")}\"", hotline.ContentHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<h1", hotline.ContentHtml, StringComparison.Ordinal);
        // A page that is not there, or not a web page, leaves the feed's own text, and says so.
        Assert.Equal("Seoul and Beijing, in one line (missing).", items["Story missing"].Body);
        Assert.Equal("Seoul and Beijing, in one line (report).", items["Story report"].Body);
        var state = await StateAsync(app, subscribed.Id);
        Assert.Equal("ok", state.State);
        Assert.Contains("2 of 3 entries' pages", state.Warning, StringComparison.Ordinal);
        Assert.Contains("not a web page (application/pdf)", state.Warning + await app.ScalarAsync<string>("SELECT error FROM original_pages WHERE entry_key = 'urn:lt:report'"), StringComparison.Ordinal);

        // The feed changes: the new entry's page is fetched, the others' are not asked for again,
        // and the story stays its article rather than falling back to the feed's line.
        feed = Feed("later", "hotline", "missing", "report");
        var second = await PollAsync(app);

        Assert.Equal((1, 0), (second.Inserted, second.Updated));
        Assert.Equal((1, 1, 1, 1), (server.Count("/news/hotline"), server.Count("/news/missing"), server.Count("/news/report"), server.Count("/news/later")));
        items = await ItemsAsync(app);
        Assert.Equal(hotline.Body, items["Story hotline"].Body);
        Assert.Contains("Yellow Sea and beyond", items["Story later"].Body, StringComparison.Ordinal);
        Assert.Null((await StateAsync(app, subscribed.Id)).Warning); // nothing failed this time

        // Read again from what was kept, without asking any server.
        var reread = Assert.Single(await app.Get<FeedIngestor>().ReparseAsync([await StateAsync(app, subscribed.Id)], Ct));
        Assert.Null(reread.Error);
        Assert.DoesNotContain(StoreOutcome.Updated, reread.Outcomes);
        Assert.Equal(hotline.Body, (await ItemsAsync(app))["Story hotline"].Body);
        Assert.Equal(1, server.Count("/news/hotline"));

        // An entry the feed no longer carries has its page dropped.
        feed = Feed("later", "missing");
        await PollAsync(app);
        Assert.Equal(["urn:lt:later", "urn:lt:missing"], await app.RowsAsync("SELECT entry_key FROM original_pages ORDER BY entry_key"));
    }

    [Fact]
    public async Task Switched_on_the_feed_is_read_again_from_its_pages_and_switched_off_it_is_its_own_text_again()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/feed.xml", () => Results.Text(Feed("hotline"), "application/rss+xml"));
            app.MapGet("/news/hotline", () => Results.Text(HotlinePage, "text/html"));
        });
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        var feed = await FeedAsync(app, server.Url("feed.xml"));
        var summary = "Seoul and Beijing, in one line (hotline).";

        await PollAsync(app);
        Assert.Equal(summary, (await ItemsAsync(app))["Story hotline"].Body);
        Assert.Equal(0, server.Count("/news/hotline"));

        // The same bytes again would be answered like a 304: switched on, the feed is read again.
        Assert.True(await app.Get<FeedStore>().EditAsync(feed.Url, null, null, Ct, fetchOriginal: true));
        Assert.True((await StateAsync(app, feed.Id)).FetchOriginal);
        var on = await PollAsync(app);
        Assert.Equal(1, on.Updated);
        Assert.Contains("defence ministries", (await ItemsAsync(app))["Story hotline"].Body, StringComparison.Ordinal);

        Assert.True(await app.Get<FeedStore>().EditAsync(feed.Url, null, null, Ct, fetchOriginal: false));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM original_pages"));
        await app.Get<FeedIngestor>().ReparseAsync([await StateAsync(app, feed.Id)], Ct);
        Assert.Equal(summary, (await ItemsAsync(app))["Story hotline"].Body);
        Assert.Equal(1, server.Count("/news/hotline"));
    }

    /// <summary>A feed of more entries than a poll fetches pages for: the rest are fetched at the
    /// next poll, although the feed has not changed, and then it is the same bytes again.</summary>
    [Fact]
    public async Task Pages_left_over_by_one_poll_are_fetched_at_the_next_although_the_feed_is_unchanged()
    {
        var slugs = Enumerable.Range(1, OriginalPages.PerPoll + 3).Select(i => $"s{i}").ToArray();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/feed.xml", (HttpContext c) =>
            {
                c.Response.Headers.ETag = "\"same\"";
                return c.Request.Headers.IfNoneMatch == "\"same\"" ? Results.StatusCode(304) : Results.Text(Feed(slugs), "application/rss+xml");
            });
            app.MapGet("/news/{slug}", (string slug) => Results.Text(HotlinePage.Replace("Yellow Sea", $"Yellow Sea ({slug})", StringComparison.Ordinal), "text/html"));
        });
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url("feed.xml").AbsoluteUri, null, FetchOriginal: true), Ct);

        var first = await PollAsync(app);
        var second = await PollAsync(app);
        var third = await PollAsync(app);

        Assert.Equal((slugs.Length, 0), (first.Inserted, first.Updated));
        Assert.Equal((1, 0, 3), (second.Fetched, second.Inserted, second.Updated)); // read again, not answered 304
        Assert.Equal(1, third.NotModified);
        Assert.All(slugs, slug => Assert.Equal(1, server.Count($"/news/{slug}")));
        var items = await ItemsAsync(app);
        Assert.All(slugs, slug => Assert.Contains($"Yellow Sea ({slug})", items[$"Story {slug}"].Body, StringComparison.Ordinal));
    }

    /// <summary>A page whose markup points elsewhere (its comments are the article element, with
    /// more to say than the story): the subscriber's selector says where the story is, and the
    /// kept pages are read again there without asking the site.</summary>
    [Fact]
    public async Task A_selector_given_for_the_feed_reads_its_kept_pages_where_it_says()
    {
        const string page = """
            <html><body><div class="story-body"><h1>Hotline</h1>
            <p>South Korea and China agreed on Tuesday to open a hotline between their defence ministries.</p>
            <p>Officials in Seoul said it would open next month.</p></div>
            <article class="comments"><p>First comment: a long opinion about something else entirely, at some length, going on and on.</p>
            <p>Second comment: another long opinion about something else again, at even greater length than the first one.</p></article>
            </body></html>
            """;
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/feed.xml", () => Results.Text(Feed("hotline"), "application/rss+xml"));
            app.MapGet("/news/hotline", () => Results.Text(page, "text/html"));
        });
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url("feed.xml").AbsoluteUri, null, FetchOriginal: true), Ct);
        var feed = (await app.Get<FeedStore>().ListAsync(Ct)).Single();
        await PollAsync(app);
        Assert.Contains("First comment", (await ItemsAsync(app))["Story hotline"].Body, StringComparison.Ordinal); // the markup misleads

        Assert.True(await app.Get<FeedStore>().EditAsync(feed.Url, null, null, Ct, articleSelector: "div.story-body"));
        await app.Get<FeedIngestor>().ReparseAsync([await StateAsync(app, feed.Id)], Ct);

        var item = (await ItemsAsync(app))["Story hotline"];
        Assert.Equal("South Korea and China agreed on Tuesday to open a hotline between their defence ministries.\n\nOfficials in Seoul said it would open next month.", item.Body);
        Assert.DoesNotContain("comment", item.ContentHtml, StringComparison.Ordinal);
        Assert.Equal("div.story-body", (await StateAsync(app, feed.Id)).ArticleSelector);
        Assert.Equal(1, server.Count("/news/hotline"));
    }

    /// <summary>A feed on the internet links its entries where it likes: a link into this
    /// machine's networks is refused as a redirect there would be, and nothing is asked of it.</summary>
    [Fact]
    public async Task A_feed_on_the_internet_cannot_have_a_page_of_this_network_fetched()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/admin", () => Results.Text(HotlinePage, "text/html")));
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        using var limits = new Aggregator.Fetching.FetchLimits(8, 2);
        var feed = new FeedRow { Id = 999_999, Url = "http://93.184.216.34/feed.xml", FetchOriginal = true }; // a public address, never connected to
        var entry = ("urn:x:1", new Aggregator.Parsing.ParsedDocument { Title = "Hotline", Body = "One line.", Language = "en", Url = server.Url("admin").AbsoluteUri });

        var gathered = await app.Get<OriginalPages>().GatherAsync(feed, [entry], limits, Ct);

        var page = Assert.Single(gathered.Fetched);
        Assert.Null(page.Body);
        Assert.Contains("the link leads from a feed on the internet into this network (127.0.0.1): not fetched", page.Error, StringComparison.Ordinal);
        Assert.Contains("1 of 1 entries' pages", gathered.Warning, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    private static async Task<Dictionary<string, StoredItem>> ItemsAsync(TestServices app) =>
        (await app.Get<ItemQueries>().NewestAsync(null, 100, Ct, collapse: false)).ToDictionary(i => i.Title);
}

public sealed class OriginalPageTestsOnSqlite() : OriginalPageTests(Backend.Sqlite);

public sealed class OriginalPageTestsOnPostgres() : OriginalPageTests(Backend.Postgres);
