using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Publishing;

/// <summary>The service started as users start it, on its seeds, with every feed read back by
/// System.ServiceModel.Syndication and by feedparser. It runs under a Thai locale, whose
/// calendar counts years from 543 BC: what it publishes must not follow the locale.</summary>
public sealed class ServedFeedsTests(ServedFeedsTests.Service service) : IClassFixture<ServedFeedsTests.Service>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class Service : IAsyncLifetime
    {
        public TempFolder Temp { get; } = new();
        public ServiceProcess Process { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Process = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, Temp.Path,
                new Dictionary<string, string> { ["LANG"] = "th_TH.UTF-8", ["LC_ALL"] = "th_TH.UTF-8" });
            await Process.WaitUntilAsync(async () =>
                JsonDocument.Parse(await Process.Http.GetStringAsync("feeds/all.json", Ct)).RootElement.GetProperty("items").GetArrayLength() == 5,
                "the seeds are imported");
        }

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            Temp.Dispose();
        }
    }

    public static TheoryData<string> XmlFeeds() =>
        new("feeds/all.atom", "feeds/all.rss", "feeds/tags/korea-china.atom", "feeds/tags/korea-china.rss", "feeds/tags/dprk-china.atom", "feeds/tags/dprk-china.rss");

    [Theory]
    [MemberData(nameof(XmlFeeds))]
    public async Task Syndication_reads_the_seed_entries(string path)
    {
        using var response = await service.Process.Http.GetAsync(path, Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(path.EndsWith(".atom", StringComparison.Ordinal) ? "application/atom+xml" : "application/rss+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);

        using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var feed = SyndicationFeed.Load(reader);

        Assert.Equal(Seeds.TitlesAndDates.Keys.Order(), feed.Items.Select(i => i.Title.Text).Order());
        foreach (var item in feed.Items)
        {
            var expected = Seeds.TitlesAndDates[item.Title.Text];
            Assert.Equal(expected ?? DateTimeOffset.MinValue, item.PublishDate == default ? DateTimeOffset.MinValue : item.PublishDate.UtcDateTime);
            Assert.StartsWith("tag:", item.Id, StringComparison.Ordinal);
            Assert.Contains(item.Categories, c => c.Name == "korea-china");
        }
        Assert.Contains(feed.Links, l => l.RelationshipType == "self" && l.Uri.AbsolutePath == "/" + path);
    }

    [Fact]
    public async Task The_korea_china_feed_is_newest_first()
    {
        var feed = SyndicationFeed.Load(XmlReader.Create(await service.Process.Http.GetStreamAsync("feeds/tags/korea-china.atom", Ct)));
        var dated = feed.Items.Where(i => i.PublishDate != default).Select(i => i.PublishDate).ToList();
        Assert.Equal(dated.OrderDescending(), dated);
        Assert.Equal(4, dated.Count);
    }

    [Theory]
    [MemberData(nameof(XmlFeeds))]
    public async Task Feedparser_reads_every_feed_without_bozo(string path)
    {
        RequiredTool.Require(await PythonFeedparser.AvailableAsync(), "python3-feedparser (/usr/bin/python3)");
        var result = await PythonFeedparser.ParseAsync(await service.Process.Http.GetByteArrayAsync(path, Ct));

        Assert.False(result.GetProperty("bozo").GetBoolean(), result.GetProperty("bozo_exception").GetString());
        Assert.Equal(path.EndsWith(".atom", StringComparison.Ordinal) ? "atom10" : "rss20", result.GetProperty("version").GetString());
        var entries = result.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(Seeds.TitlesAndDates.Keys.Order(), entries.Select(e => e.GetProperty("title").GetString()!).Order());
        Assert.All(entries, e => Assert.Contains("korea-china", e.GetProperty("tags").EnumerateArray().Select(t => t.GetString())));
    }

    [Theory]
    [InlineData("feeds/all.json")]
    [InlineData("feeds/tags/korea-china.json")]
    public async Task The_json_feed_follows_json_feed_1_1(string path)
    {
        using var response = await service.Process.Http.GetAsync(path, Ct);
        Assert.Equal("application/feed+json", response.Content.Headers.ContentType?.MediaType);
        var feed = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal("https://jsonfeed.org/version/1.1", feed.GetProperty("version").GetString());
        Assert.EndsWith("/" + path, feed.GetProperty("feed_url").GetString(), StringComparison.Ordinal);
        var items = feed.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Seeds.TitlesAndDates.Keys.Order(), items.Select(i => i.GetProperty("title").GetString()!).Order());
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("id").GetString()).Distinct().Count());
        foreach (var item in items)
        {
            Assert.StartsWith("<p>", item.GetProperty("content_html").GetString(), StringComparison.Ordinal);
            Assert.Contains("korea-china", item.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            var expected = Seeds.TitlesAndDates[item.GetProperty("title").GetString()!];
            Assert.Equal(expected?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), item.TryGetProperty("date_published", out var d) ? d.GetString() : null);
        }
    }

    [Fact]
    public async Task Unknown_formats_tags_and_parameters_are_errors_that_name_them()
    {
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await service.Process.Http.GetAsync("feeds/all.xml", Ct)).StatusCode);
        // A misspelled tag was an empty feed with 200, forever, to the reader subscribed to it.
        foreach (var path in new[] { "feeds/tags/korea_china.atom", "feeds/all.rss?tag=Korea-China", "tags/korea_china/" })
        {
            var misspelled = await service.Process.Http.GetAsync(path, Ct);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, misspelled.StatusCode);
            Assert.Contains("the topic rules give korea-china, dprk-china, rok-china", await misspelled.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        // A misspelled filter served everything with 200.
        var language = await service.Process.Http.GetAsync("feeds/all.atom?language=ko", Ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, language.StatusCode);
        Assert.StartsWith("unknown parameter \"language\": the filters are lang", await language.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await service.Process.Http.GetAsync("feeds/all.atom?tags=dprk-china", Ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await service.Process.Http.GetAsync("feeds/all.atom?sorce=Xinhua", Ct)).StatusCode);
        // What links carry (a shared post's fbclid, a newsletter's utm_ and mc_ tags) passes, and names in any case.
        foreach (var path in new[] { "feeds/all.atom?utm_source=newsletter&_=17", "?fbclid=IwAR123&gclid=x&mc_cid=a&mc_eid=b&ref=twitter", "feeds/all.json?Lang=en" })
            Assert.Equal(System.Net.HttpStatusCode.OK, (await service.Process.Http.GetAsync(path, Ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await service.Process.Http.GetAsync("tags/korea-china/?tag=dprk-china", Ct)).StatusCode);
        // The merged feed asked for a tag as the page's form asks: the tag's own feed, where it lives.
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = service.Process.BaseUrl };
        var moved = await noRedirects.GetAsync("feeds/all.atom?tag=dprk-china&lang=en", Ct);
        Assert.Equal(System.Net.HttpStatusCode.PermanentRedirect, moved.StatusCode);
        Assert.Equal(new Uri(service.Process.BaseUrl, "feeds/tags/dprk-china.atom?lang=en"), moved.Headers.Location);
        var feed = SyndicationFeed.Load(XmlReader.Create(await service.Process.Http.GetStreamAsync("feeds/all.atom?tag=dprk-china", Ct)));
        Assert.NotEmpty(feed.Items);
        Assert.All(feed.Items, i => Assert.Contains(i.Categories, c => c.Name == "dprk-china"));
    }

    [Fact]
    public async Task Healthz_answers()
    {
        Assert.Equal("ok", await service.Process.Http.GetStringAsync("healthz", Ct));
    }
}
