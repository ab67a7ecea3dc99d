using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Publishing;

/// <summary>The published feeds over HTTP as readers and caches meet them: validators and 304,
/// compression, RFC 5005 paging, filters, provenance, a hostile entry made inert.</summary>
public abstract class PublishedFeedsTests(PublishedService service)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private HttpClient Http
    {
        get
        {
            service.Require();
            return service.Process.Http;
        }
    }
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    public static TheoryData<string> AllFeeds() => new(
        "feeds/all.atom", "feeds/all.rss", "feeds/all/2.atom", "feeds/all/3.rss", "feeds/all/2.rss",
        "feeds/tags/korea-china.atom", "feeds/tags/korea-china.rss", "feeds/tags/dprk-china.atom",
        "feeds/all.atom?lang=sv", "feeds/all.rss?q=" + PublishedService.RareWord);

    [Theory]
    [InlineData("feeds/all.atom", "application/atom+xml")]
    [InlineData("feeds/all.rss", "application/rss+xml")]
    [InlineData("feeds/all.json", "application/feed+json")]
    [InlineData("", "text/html")]
    public async Task Validators_give_304_and_compression_round_trips(string path, string mediaType)
    {
        using var first = await Http.GetAsync(path, Ct);
        first.EnsureSuccessStatusCode();
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", first.Content.Headers.ContentType?.CharSet);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.NotNull(first.Content.Headers.LastModified);
        Assert.Contains("max-age=", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Contains("Accept-Encoding", first.Headers.Vary);
        // No Publishing:BaseUrl here: the links are made from the Host header, and a cache in front
        // must keep a copy per host (a forged Host poisoned a shared cache, a security audit found).
        Assert.Contains("Host", first.Headers.Vary);
        Assert.Equal("nosniff", first.Headers.GetValues("X-Content-Type-Options").Single());
        if (mediaType == "text/html")
            Assert.Contains("form-action 'self'", first.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var identity = await first.Content.ReadAsByteArrayAsync(Ct);

        using (var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { IfNoneMatch = { etag } } })
        using (var notModified = await Http.SendAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Ct));
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { IfModifiedSince = first.Content.Headers.LastModified } })
        using (var notModified = await Http.SendAsync(request, Ct))
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using (var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { IfNoneMatch = { new EntityTagHeaderValue("\"other\"") } } })
        using (var changed = await Http.SendAsync(request, Ct))
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        foreach (var (coding, decode) in new (string, Func<Stream, Stream>)[] { ("gzip", s => new GZipStream(s, CompressionMode.Decompress)), ("br", s => new BrotliStream(s, CompressionMode.Decompress)) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { AcceptEncoding = { new StringWithQualityHeaderValue(coding) } } };
            using var compressed = await Http.SendAsync(request, Ct);
            Assert.Equal(coding, Assert.Single(compressed.Content.Headers.ContentEncoding));
            using var decoded = new MemoryStream();
            await decode(await compressed.Content.ReadAsStreamAsync(Ct)).CopyToAsync(decoded, Ct);
            Assert.Equal(identity, decoded.ToArray());
            // The compressed representation's own ETag also validates.
            using var again = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { IfNoneMatch = { compressed.Headers.ETag! }, AcceptEncoding = { new StringWithQualityHeaderValue(coding) } } };
            Assert.Equal(HttpStatusCode.NotModified, (await Http.SendAsync(again, Ct)).StatusCode);
        }
        // A coding refused outright is not sent, whatever "*" says (RFC 9110 12.5.3).
        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "br;q=0, gzip;q=0, *");
            using var refused = await Http.SendAsync(request, Ct);
            Assert.Empty(refused.Content.Headers.ContentEncoding);
            Assert.Equal(identity, await refused.Content.ReadAsByteArrayAsync(Ct));
        }
    }

    /// <summary>Page 0 or below is no page. It was rendered empty and cached under page 1's key,
    /// so one request took the main feed down for every reader until the next write.</summary>
    [Theory]
    [InlineData("feeds/all/0.atom", "feeds/all.atom")]
    [InlineData("feeds/tags/korea-china/-1.json", "feeds/tags/korea-china.json")]
    public async Task A_page_below_one_is_404_and_leaves_the_first_page_alone(string below, string first)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(below, Ct)).StatusCode);
        using var response = await Http.GetAsync(first, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(first.EndsWith(".json", StringComparison.Ordinal)
            ? JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength() > 0
            : body.Contains("<entry", StringComparison.Ordinal), $"{first} lists no entries");
    }

    /// <summary>A filtered feed is another feed: its own id (RFC 4287 4.2.6) and a title that
    /// tells it apart in a reader's list. The Atom feed names its author (4.1.1).</summary>
    [Fact]
    public async Task A_filtered_feed_has_its_own_id_and_title_and_the_atom_feed_an_author()
    {
        var all = XDocument.Parse(await Http.GetStringAsync("feeds/all.atom", Ct)).Root!;
        var swedish = XDocument.Parse(await Http.GetStringAsync("feeds/all.atom?lang=sv&q=Kina", Ct)).Root!;
        Assert.Equal(new Uri(service.Process.BaseUrl, "feeds/all.atom").AbsoluteUri, all.Element(Atom + "id")!.Value);
        Assert.Equal(new Uri(service.Process.BaseUrl, "feeds/all.atom?lang=sv&q=Kina").AbsoluteUri, swedish.Element(Atom + "id")!.Value);
        Assert.EndsWith(" (language sv, \"Kina\")", swedish.Element(Atom + "title")!.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("(", all.Element(Atom + "title")!.Value, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(all.Element(Atom + "author")?.Element(Atom + "name")?.Value));
        var json = JsonDocument.Parse(await Http.GetStringAsync("feeds/all.json?lang=sv", Ct)).RootElement;
        Assert.EndsWith(" (language sv)", json.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Atom_pages_link_first_next_previous_last_and_cover_every_story_once()
    {
        var ids = new List<string>();
        string? url = "feeds/all.atom";
        var pages = 0;
        while (url is not null)
        {
            var feed = XDocument.Parse(await Http.GetStringAsync(url, Ct)).Root!;
            string? Link(string rel) => feed.Elements(Atom + "link").FirstOrDefault(l => (string?)l.Attribute("rel") == rel)?.Attribute("href")?.Value;
            pages++;
            Assert.EndsWith("/feeds/all.atom", Link("first"), StringComparison.Ordinal);
            Assert.EndsWith("/feeds/all/3.atom", Link("last"), StringComparison.Ordinal);
            Assert.Equal(new Uri(service.Process.BaseUrl, url).AbsoluteUri, Link("self"));
            Assert.Equal(pages == 1 ? null : new Uri(service.Process.BaseUrl, pages == 2 ? "feeds/all.atom" : $"feeds/all/{pages - 1}.atom").AbsoluteUri, Link("previous"));
            var entries = feed.Elements(Atom + "entry").ToList();
            Assert.True(entries.Count <= 50);
            ids.AddRange(entries.Select(e => e.Element(Atom + "id")!.Value));
            url = Link("next");
        }
        Assert.Equal(3, pages);
        Assert.Equal(service.Stories, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("feeds/all/4.atom", Ct)).StatusCode);
    }

    [Fact]
    public async Task Filters_select_by_language_source_text_and_date_and_keep_them_in_paging_links()
    {
        Assert.Equal(["Xi: Kina redo att stärka banden med Nordkorea"], await TitlesAsync("feeds/all.json?lang=sv"));
        Assert.Equal([PublishedService.RiverTitleOf(7)], await TitlesAsync("feeds/all.json?q=" + PublishedService.RareWord.ToUpperInvariant()));
        Assert.Equal(["Xi: Kina redo att stärka banden med Nordkorea"], await TitlesAsync("feeds/all.json?q=STÄRKA")); // case beyond ASCII
        // Typed in full width (a Japanese input method's default for Latin letters): the same word.
        var fullWidth = new string(PublishedService.RareWord.Select(c => (char)(c + 0xFEE0)).ToArray());
        Assert.Equal([PublishedService.RiverTitleOf(7)], await TitlesAsync("feeds/all.json?q=" + Uri.EscapeDataString(fullWidth)));
        Assert.Equal(["Xi, Kim exchange congratulatory messages over 75th anniversary of diplomatic ties"], await TitlesAsync("feeds/all.json?source=xinhua"));
        Assert.Equal(PublishedService.RiverEntries, await service.TotalAsync("feeds/all.json?source=" + Uri.EscapeDataString(PublishedService.RiverTitle)));
        // Part of a name, as the README's ?source=Yonhap: the whole name was needed, and a part matched nothing.
        Assert.Equal(PublishedService.RiverEntries, await service.TotalAsync("feeds/all.json?source=harbour"));
        Assert.Equal(PublishedService.RiverEntries, await service.TotalAsync("feeds/all.json?source=LEDGER"));
        Assert.Equal(0, await service.TotalAsync("feeds/all.json?source=arbour")); // from a word's start: "CNA" is not KCNA

        var since = PublishedService.RiverStart.AddHours(100);
        var recent = await TitlesAsync($"feeds/all.json?since={since:yyyy-MM-ddTHH:mm:ssZ}");
        var expectedRiver = Enumerable.Range(100, PublishedService.RiverEntries - 100).Select(PublishedService.RiverTitleOf);
        Assert.Superset(expectedRiver.ToHashSet(), recent.ToHashSet());
        Assert.Equal(PublishedService.RiverEntries - 100 + 2, recent.Count); // plus the two undated (first seen today)

        var page = JsonDocument.Parse(await Http.GetStringAsync("feeds/all.json?source=" + Uri.EscapeDataString(PublishedService.RiverTitle), Ct)).RootElement;
        Assert.EndsWith("/feeds/all/2.json?source=Harbour%20Ledger", page.GetProperty("next_url").GetString(), StringComparison.Ordinal);

        using var bad = await Http.GetAsync("feeds/all.atom?since=yesterday", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("since must be an ISO 8601 date", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("text/plain", bad.Content.Headers.ContentType?.MediaType); // read by people, not a JSON string
        using var maybe = await Http.GetAsync("?collapse=maybe", Ct); // was ignored
        Assert.Equal(HttpStatusCode.BadRequest, maybe.StatusCode);
        Assert.Equal("collapse must be true or false (was \"maybe\").\n", await maybe.Content.ReadAsStringAsync(Ct));
        using var beyond = await Http.GetAsync("page/999/", Ct);
        Assert.Equal(HttpStatusCode.NotFound, beyond.StatusCode);
        Assert.Equal("There is no page 999 of this listing.\n", await beyond.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Entries_carry_provenance_language_categories_and_absolute_links()
    {
        var feed = XDocument.Parse(await Http.GetStringAsync("feeds/all.atom?q=" + PublishedService.RareWord, Ct)).Root!;
        var entry = Assert.Single(feed.Elements(Atom + "entry"));
        var source = entry.Element(Atom + "source")!;
        Assert.Equal(PublishedService.RiverTitle, source.Element(Atom + "title")!.Value);
        Assert.Equal(service.Feeds.Url("river.xml").AbsoluteUri, source.Element(Atom + "id")!.Value);
        Assert.NotNull(entry.Element(Atom + "published"));
        Assert.NotNull(entry.Element(Atom + "updated"));
        var content = entry.Element(Atom + "content")!;
        Assert.Equal("html", (string?)content.Attribute("type"));
        Assert.Contains($"href=\"{service.Feeds.Url("story/more/7").AbsoluteUri}\"", content.Value, StringComparison.Ordinal);
        Assert.Contains($"src=\"{service.Feeds.Url("img/7.png").AbsoluteUri}\"", content.Value, StringComparison.Ordinal);
        Assert.NotNull(feed.Element(Atom + "icon"));
        Assert.Equal(FeedGenerator, feed.Element(Atom + "generator")!.Value[..10]);

        var rss = XDocument.Parse(await Http.GetStringAsync("feeds/all.rss?q=" + PublishedService.RareWord, Ct));
        var item = Assert.Single(rss.Descendants("item"));
        Assert.Equal(service.Feeds.Url("river.xml").AbsoluteUri, item.Element("source")?.Attribute("url")?.Value);
        Assert.Contains("<p>", item.Element(XName.Get("encoded", "http://purl.org/rss/1.0/modules/content/"))!.Value, StringComparison.Ordinal);

        var tagged = XDocument.Parse(await Http.GetStringAsync("feeds/tags/korea-china.atom", Ct)).Root!;
        Assert.All(tagged.Elements(Atom + "entry"), e =>
            Assert.Contains(e.Elements(Atom + "category"), c => (string?)c.Attribute("term") == "korea-china" && ((string?)c.Attribute("scheme"))!.EndsWith("/tags/", StringComparison.Ordinal)));
        Assert.Contains(tagged.Elements(Atom + "entry"), e => e.Attribute(XNamespace.Xml + "lang")?.Value == "sv");
    }

    /// <summary>Why a story carries its tag, where each reader looks: the entry's content in the
    /// feeds (all a feed reader shows), and each tag's reason in JSON Feed's extension object.</summary>
    [Fact]
    public async Task Tagged_entries_say_why_with_the_words_and_the_sentence_that_joins_the_sides()
    {
        var tagged = XDocument.Parse(await Http.GetStringAsync("feeds/tags/korea-china.atom", Ct)).Root!;
        Assert.All(tagged.Elements(Atom + "entry"), e =>
            Assert.Matches(@"Tagged korea-china: <span dir=""auto"">china \d+ \([^)]+\), korea \d+ \([^)]+\); named together in \d+ of \d+ body sentence\(s\)[^<]*, first: “[^”]+”",
                e.Element(Atom + "content")!.Value));

        using var json = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync("feeds/tags/korea-china.json", Ct));
        Assert.All(json.RootElement.GetProperty("items").EnumerateArray(), item =>
        {
            var why = item.GetProperty("_aggregator").GetProperty("tags").EnumerateArray().ToList();
            Assert.Equal(item.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), why.Select(w => w.GetProperty("tag").GetString()));
            var reason = why.Single(w => w.GetProperty("tag").GetString() == "korea-china").GetProperty("reason").GetString()!;
            Assert.Contains("named together in", reason, StringComparison.Ordinal);
            Assert.Contains(", first: “", reason, StringComparison.Ordinal);
        });
    }

    private const string FeedGenerator = "Aggregator";

    /// <summary>Debian's feedparser (6.0) reads Atom and RSS; the JSON Feeds are checked by the other tests.</summary>
    [Theory]
    [MemberData(nameof(AllFeeds))]
    public async Task Feedparser_reads_every_served_feed_without_bozo(string path)
    {
        RequiredTool.Require(await PythonFeedparser.AvailableAsync(), "python3-feedparser (/usr/bin/python3)");
        var result = await PythonFeedparser.ParseAsync(await Http.GetByteArrayAsync(path, Ct));
        Assert.False(result.GetProperty("bozo").GetBoolean(), result.TryGetProperty("bozo_exception", out var why) ? why.GetString() : "");
        var entries = result.GetProperty("entries").EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("title").GetString())));
    }

    [Fact]
    public async Task A_hostile_entry_is_inert_in_every_format_and_on_the_page()
    {
        string[] forbidden = ["<script", "onerror", "onclick", "javascript:", "<iframe", "<form", "<input", "<style", "data:image"];
        void Inert(string html, string where)
        {
            foreach (var bad in forbidden)
                Assert.False(html.Contains(bad, StringComparison.OrdinalIgnoreCase), $"{where} holds {bad}");
        }
        void Title(string title, string where)
        {
            // RSS titles are HTML by custom (feedparser reads them so too): the markup is dropped at parsing.
            Assert.StartsWith("Hostile title X-Injected: yes AAA", title, StringComparison.Ordinal);
            Assert.True(title.Length <= 301, $"{where}: title of {title.Length} characters");
        }

        var atom = XDocument.Parse(await Http.GetStringAsync("feeds/tags/korea-china.atom", Ct)).Root!;
        var entry = atom.Elements(Atom + "entry").Single(e => e.Element(Atom + "title")!.Value.StartsWith("Hostile", StringComparison.Ordinal));
        Title(entry.Element(Atom + "title")!.Value, "atom");
        Inert(entry.Element(Atom + "content")!.Value, "atom content");
        Assert.DoesNotContain(entry.Elements(Atom + "link"), l => l.Attribute("href")!.Value.StartsWith("javascript", StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"href=\"{service.Feeds.Url("relative/path").AbsoluteUri}\"", entry.Element(Atom + "content")!.Value, StringComparison.Ordinal);

        var rss = XDocument.Parse(await Http.GetStringAsync("feeds/tags/korea-china.rss", Ct));
        var item = rss.Descendants("item").Single(i => i.Element("title")!.Value.StartsWith("Hostile", StringComparison.Ordinal));
        Title(item.Element("title")!.Value, "rss");
        Inert(item.Element(XName.Get("encoded", "http://purl.org/rss/1.0/modules/content/"))!.Value, "rss content:encoded");
        Inert(item.Element("description")!.Value, "rss description");
        Assert.Null(item.Element("link"));

        var json = JsonDocument.Parse(await Http.GetStringAsync("feeds/tags/korea-china.json", Ct)).RootElement;
        var jsonItem = json.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("title").GetString()!.StartsWith("Hostile", StringComparison.Ordinal));
        Title(jsonItem.GetProperty("title").GetString()!, "json");
        Inert(jsonItem.GetProperty("content_html").GetString()!, "json content_html");
        Assert.False(jsonItem.TryGetProperty("url", out _));

        var page = await Http.GetStringAsync("tags/korea-china", Ct);
        var block = page.Split("<li><article>").Single(b => b.Contains("Hostile title", StringComparison.Ordinal));
        Inert(block, "the hostile entry's block on the river page");
        Assert.Equal(0, page.Split("<script").Length - 1);
        Assert.Contains("Hostile title X-Injected: yes AAA", page, StringComparison.Ordinal);
        Assert.True(page.Length < 200_000, $"the page is {page.Length} characters");
    }

    [Fact]
    public async Task Opml_lists_the_sources()
    {
        using var response = await Http.GetAsync("opml", Ct);
        Assert.Equal("text/x-opml", response.Content.Headers.ContentType?.MediaType);
        var outlines = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).Descendants("outline").Select(o => o.Attribute("xmlUrl")!.Value).Order();
        Assert.Equal([service.Feeds.Url("hostile.xml").AbsoluteUri, service.Feeds.Url("river.xml").AbsoluteUri], outlines);
    }

    /// <summary>One newsboat per format: newsboat keeps an entry once per guid across all its
    /// feeds, and both formats carry the same ids.</summary>
    [Theory]
    [InlineData("feeds/tags/korea-china.atom")]
    [InlineData("feeds/tags/korea-china.rss")]
    public async Task Newsboat_subscribes_reloads_and_lists_the_entries(string path)
    {
        RequiredTool.Require(File.Exists("/usr/bin/newsboat"), "newsboat (Debian package newsboat)");
        using var home = new TempFolder();
        var feed = new Uri(service.Process.BaseUrl, path).AbsoluteUri;
        var urls = home.File("urls", feed + "\n");
        var cache = Path.Combine(home.Path, "cache.db");
        var run = await Processes.RunAsync("/usr/bin/newsboat", ["-u", urls, "-c", cache, "-C", home.File("config", ""), "-x", "reload"], home.Path,
            new Dictionary<string, string> { ["HOME"] = home.Path, ["TERM"] = "dumb" });
        Assert.True(run.ExitCode == 0, $"newsboat exited {run.ExitCode}: {run.Stderr}{run.Stdout}");

        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={cache};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync(Ct);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT title FROM rss_item WHERE feedurl = $feed";
        command.Parameters.AddWithValue("$feed", feed);
        var titles = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) titles.Add(reader.GetString(0));
        Assert.True(titles.Count == Seeds.TitlesAndDates.Count + 1, $"newsboat stored {titles.Count} entries of {feed}: {run.Stdout}{run.Stderr}");
        Assert.Superset(Seeds.TitlesAndDates.Keys.ToHashSet(), titles.ToHashSet());
    }

    [Fact]
    public async Task Export_writes_the_bytes_the_server_serves()
    {
        using var output = new TempFolder();
        var result = await Processes.AggregatorAsync(RepoPaths.Root, service.StorageEnvironment, "export", "--out", output.Path, "--base-url", service.Process.BaseUrl.AbsoluteUri,
            "--data", Path.Combine(service.Temp.Path, "data"));
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        foreach (var (served, file) in new[]
        {
            ("feeds/all.atom", "feeds/all.atom"), ("feeds/all/3.json", "feeds/all/3.json"), ("feeds/tags/korea-china.rss", "feeds/tags/korea-china.rss"),
            ("", "index.html"), ("page/2/", "page/2/index.html"), ("tags/korea-china/", "tags/korea-china/index.html"), ("opml", "opml"), ("assets/site.css", "assets/site.css"),
        })
        {
            var bytes = await Http.GetByteArrayAsync(served, Ct);
            var exported = await File.ReadAllBytesAsync(Path.Combine(output.Path, file), Ct);
            Assert.True(bytes.SequenceEqual(exported), $"{file} differs from /{served}");
        }
    }

    private async Task<List<string>> TitlesAsync(string path) =>
        JsonDocument.Parse(await Http.GetStringAsync(path, Ct)).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToList();
}

public sealed class PublishedFeedsTestsOnSqlite(PublishedService service) : PublishedFeedsTests(service), IClassFixture<PublishedService>;

public sealed class PublishedFeedsTestsOnPostgres(PublishedServiceOnPostgres service) : PublishedFeedsTests(service), IClassFixture<PublishedServiceOnPostgres>;
