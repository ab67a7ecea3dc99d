using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Aggregator.Ingestion;
using Aggregator.Publishing;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Publishing;

/// <summary>The files entries carry (a broadcast's audio, a report's PDF, a photo), from every
/// feed format through the store into every published one.</summary>
public abstract class EnclosureTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    private const string Rss = """
        <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Radio</title>
        <item><guid>r1</guid><title>Seoul and Beijing hold talks, the broadcast</title><description>Audio of the talks.</description>
          <enclosure url="/audio/talks.mp3" type="audio/mpeg" length="1234567"/>
          <media:group><media:content url="https://cdn.example/video/talks.mp4" type="video/mp4" fileSize="99"/></media:group>
          <enclosure url="javascript:alert(1)" type="audio/mpeg" length="1"/></item>
        </channel></rss>
        """;
    private const string AtomFeed = """
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Reports</title><id>urn:r</id><updated>2025-09-05T00:00:00Z</updated>
        <entry><id>urn:r:1</id><title>Trade report on China and Korea</title><updated>2025-09-05T00:00:00Z</updated><summary>The report.</summary>
          <link rel="enclosure" href="https://docs.example/report.pdf" type="application/pdf" length="2048"/></entry>
        </feed>
        """;
    private const string Json = """
        {"version": "https://jsonfeed.org/version/1.1", "title": "Photos", "items": [
          {"id": "p1", "title": "Photo of the summit in Seoul", "content_text": "The photo.",
           "attachments": [{"url": "https://img.example/summit.jpg", "mime_type": "image/jpeg", "size_in_bytes": 512}]}]}
        """;

    [Fact]
    public async Task Enclosures_from_rss_atom_and_json_feed_reach_every_published_format()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/radio.xml", () => Results.Text(Rss, "application/rss+xml"));
            app.MapGet("/reports.atom", () => Results.Text(AtomFeed, "application/atom+xml"));
            app.MapGet("/photos.json", () => Results.Text(Json, "application/feed+json"));
        });
        await using var app = await TestServices.StartAsync(backend);
        foreach (var path in new[] { "radio.xml", "reports.atom", "photos.json" })
            await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url(path).AbsoluteUri, null), Ct);

        var summary = await app.Get<FeedIngestor>().PollDueAsync(Ct, everyFeed: true);
        Assert.Equal(3, summary.Inserted);

        var address = new FeedAddress(new Uri("http://aggregator.test/"), null, "atom", "");
        var renderer = app.Get<FeedRenderer>();
        var atom = XDocument.Parse(Encoding.UTF8.GetString((await renderer.RenderAsync(address, new ItemFilter(), 1, Ct))!));
        var rss = XDocument.Parse(Encoding.UTF8.GetString((await renderer.RenderAsync(address with { Format = "rss" }, new ItemFilter(), 1, Ct))!));
        var json = JsonDocument.Parse(Encoding.UTF8.GetString((await renderer.RenderAsync(address with { Format = "json" }, new ItemFilter(), 1, Ct))!)).RootElement;

        var audio = server.Url("audio/talks.mp3").AbsoluteUri;
        string[] expected = [audio, "https://cdn.example/video/talks.mp4", "https://docs.example/report.pdf", "https://img.example/summit.jpg"];
        var atomFiles = atom.Descendants(Atom + "link").Where(l => l.Attribute("rel")?.Value == "enclosure").Select(l => l.Attribute("href")!.Value);
        var rssFiles = rss.Descendants("enclosure").Select(e => e.Attribute("url")!.Value);
        var jsonFiles = json.GetProperty("items").EnumerateArray()
            .SelectMany(i => i.TryGetProperty("attachments", out var a) ? a.EnumerateArray().Select(x => x.GetProperty("url").GetString()!) : []);
        Assert.Equal(expected.Order(), atomFiles.Order());
        // RSS 2.0 carries at most one enclosure per item (RSS Advisory Board): the first.
        Assert.Equal(expected.Where(u => !u.Contains("cdn", StringComparison.Ordinal)).Order(), rssFiles.Order());
        Assert.Equal(expected.Order(), jsonFiles.Order());

        var mp3 = rss.Descendants("enclosure").Single(e => e.Attribute("url")!.Value == audio);
        Assert.Equal(("audio/mpeg", "1234567"), (mp3.Attribute("type")!.Value, mp3.Attribute("length")!.Value));
        var pdf = json.GetProperty("items").EnumerateArray().SelectMany(i => i.TryGetProperty("attachments", out var a) ? a.EnumerateArray() : [])
            .Single(a => a.GetProperty("url").GetString() == "https://docs.example/report.pdf");
        Assert.Equal(("application/pdf", 2048), (pdf.GetProperty("mime_type").GetString(), pdf.GetProperty("size_in_bytes").GetInt64()));
    }
    /// <summary>An entry with thousands of files (50,000 took 23 s of CPU to read, at every
    /// poll) keeps the first hundred; RSS carries the first.</summary>
    [Fact]
    public async Task An_entry_keeps_at_most_a_hundred_files()
    {
        var files = string.Concat(Enumerable.Range(0, 3_000).Select(i => $"""<media:content url="https://img.example/{i}.jpg" type="image/jpeg"/>"""));
        var gallery = $"""
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Gallery</title>
            <item><guid>g1</guid><title>Photos of the summit in Seoul</title><description>Photos.</description>{files}</item>
            </channel></rss>
            """;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/gallery.xml", () => Results.Text(gallery, "application/rss+xml")));
        await using var app = await TestServices.StartAsync(backend);
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url("gallery.xml").AbsoluteUri, null), Ct);
        Assert.Equal(1, (await app.Get<FeedIngestor>().PollDueAsync(Ct, everyFeed: true)).Inserted);

        var address = new FeedAddress(new Uri("http://aggregator.test/"), null, "json", "");
        var renderer = app.Get<FeedRenderer>();
        var json = JsonDocument.Parse(Encoding.UTF8.GetString((await renderer.RenderAsync(address, new ItemFilter(), 1, Ct))!)).RootElement;
        var attachments = json.GetProperty("items")[0].GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("url").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, Aggregator.Parsing.Feeds.EnclosureElements.MaxPerEntry).Select(i => $"https://img.example/{i}.jpg"), attachments);
        var rss = XDocument.Parse(Encoding.UTF8.GetString((await renderer.RenderAsync(address with { Format = "rss" }, new ItemFilter(), 1, Ct))!));
        Assert.Equal("https://img.example/0.jpg", Assert.Single(rss.Descendants("enclosure")).Attribute("url")!.Value);
    }
}

public sealed class EnclosureTestsOnSqlite() : EnclosureTests(Backend.Sqlite);

public sealed class EnclosureTestsOnPostgres() : EnclosureTests(Backend.Postgres);
