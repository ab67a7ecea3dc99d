using Aggregator.Storage;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Publishing;

/// <summary>The river page in a real browser (Debian's chromium, headless, over the DevTools
/// protocol): it renders, lists the stories, its filters work without script, it fits a phone,
/// and the browser reports no console error. Screenshots go to the test output folder.</summary>
public sealed class RiverPageTests(PublishedService service) : IClassFixture<PublishedService>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HeadlessChromium> BrowserAsync()
    {
        RequiredTool.Require(HeadlessChromium.FindExecutable() is not null, "chromium (Debian package chromium)");
        return await HeadlessChromium.StartAsync(Ct);
    }

    [Fact]
    public async Task The_page_lists_the_seed_stories_and_its_filters_work()
    {
        await using var browser = await BrowserAsync();
        await browser.SetViewportAsync(1200, 900, mobile: false, Ct);
        await browser.NavigateAsync(new Uri(service.Process.BaseUrl, "tags/korea-china").AbsoluteUri, Ct);

        var titles = await Strings(browser, "[...document.querySelectorAll('ol.river article h3')].map(h => h.textContent)");
        Assert.Superset(Seeds.TitlesAndDates.Keys.ToHashSet(), titles.ToHashSet());
        Assert.Equal(1, (await browser.EvaluateAsync("document.querySelectorAll('main').length", Ct)).GetInt32());
        Assert.Equal(0, (await browser.EvaluateAsync("document.querySelectorAll('script').length", Ct)).GetInt32());
        Assert.Equal(3, (await browser.EvaluateAsync("document.querySelectorAll('link[rel=alternate]').length", Ct)).GetInt32());
        Assert.Equal(30, (await browser.EvaluateAsync("document.querySelectorAll('svg[role=img] rect').length", Ct)).GetInt32());
        Assert.Contains("Stories per day", (await browser.EvaluateAsync("document.querySelector('svg title').textContent", Ct)).GetString(), StringComparison.Ordinal);
        await SaveAsync(browser, "river-korea-china.png");

        // Why each story is tagged, on the page itself (it was only a tooltip): closed at first,
        // opened by a click, then the words each side was named by and the joining sentence show.
        Assert.Equal(titles.Count, (await browser.EvaluateAsync("document.querySelectorAll('ol.river details.why').length", Ct)).GetInt32());
        Assert.False((await browser.EvaluateAsync("document.querySelector('details.why li').checkVisibility()", Ct)).GetBoolean());
        await browser.EvaluateAsync("document.querySelector('details.why summary').click()", Ct);
        Assert.True((await browser.EvaluateAsync("document.querySelector('details.why li').checkVisibility()", Ct)).GetBoolean());
        Assert.Matches(@"^korea-china: china \d+ \(.+\), korea \d+ \(.+\); named together in \d+ of \d+ body sentence\(s\).*, first: “.+”",
            (await browser.EvaluateAsync("[...document.querySelector('details.why').querySelectorAll('li')].map(l => l.textContent).find(t => t.startsWith('korea-china:'))", Ct)).GetString());

        // Choose Swedish in the language filter and submit the form, as a reader would.
        await browser.EvaluateAndWaitForNavigationAsync(
            "document.querySelector('#f-lang').value = 'sv'; document.querySelector('nav.filters form').requestSubmit()", Ct);
        Assert.Contains("lang=sv", (await browser.EvaluateAsync("location.search", Ct)).GetString(), StringComparison.Ordinal);
        Assert.Equal(["Xi: Kina redo att stärka banden med Nordkorea"],
            await Strings(browser, "[...document.querySelectorAll('ol.river article h3')].map(h => h.textContent)"));

        // Filters the form has no field for (a link, a bookmark) are named in the title and the
        // heading, and kept when the form is sent: they said "All stories" and were dropped.
        await browser.NavigateAsync(new Uri(service.Process.BaseUrl, "?since=2000-01-01&collapse=false").AbsoluteUri, Ct);
        Assert.StartsWith("All stories (since 2000-01-01, every copy)", (await browser.EvaluateAsync("document.title", Ct)).GetString(), StringComparison.Ordinal);
        Assert.StartsWith("All stories (since 2000-01-01, every copy)", (await browser.EvaluateAsync("document.querySelector('h2.listing').textContent", Ct)).GetString(), StringComparison.Ordinal);
        await browser.EvaluateAndWaitForNavigationAsync(
            "document.querySelector('#f-lang').value = 'sv'; document.querySelector('nav.filters form').requestSubmit()", Ct);
        var search = Uri.UnescapeDataString((await browser.EvaluateAsync("location.search", Ct)).GetString()!);
        Assert.Contains("since=2000-01-01T00:00:00Z", search, StringComparison.Ordinal);
        Assert.Contains("collapse=false", search, StringComparison.Ordinal);
        Assert.Contains("lang=sv", search, StringComparison.Ordinal);

        // The tag links lead to the tag's page; the full river pages onwards.
        await browser.NavigateAsync(service.Process.BaseUrl.AbsoluteUri, Ct);
        Assert.Equal(50, (await browser.EvaluateAsync("document.querySelectorAll('ol.river > li').length", Ct)).GetInt32());
        await browser.EvaluateAndWaitForNavigationAsync("document.querySelector('a[rel=next]').click()", Ct);
        Assert.EndsWith("/page/2/", (await browser.EvaluateAsync("location.pathname", Ct)).GetString(), StringComparison.Ordinal);
        Assert.Equal(50, (await browser.EvaluateAsync("document.querySelectorAll('ol.river > li').length", Ct)).GetInt32());

        Assert.True(browser.ConsoleErrors.Count == 0, string.Join("\n", browser.ConsoleErrors));
    }

    [Fact]
    public async Task The_page_fits_a_phone()
    {
        await using var browser = await BrowserAsync();
        await browser.SetViewportAsync(390, 844, mobile: true, Ct);
        await browser.NavigateAsync(service.Process.BaseUrl.AbsoluteUri, Ct);
        var scrollWidth = (await browser.EvaluateAsync("document.documentElement.scrollWidth", Ct)).GetInt32();
        Assert.True(scrollWidth <= 390, $"the page is {scrollWidth} px wide on a 390 px screen");
        await SaveAsync(browser, "river-phone.png");
        Assert.True(browser.ConsoleErrors.Count == 0, string.Join("\n", browser.ConsoleErrors));
    }

    [Fact]
    public async Task Right_to_left_titles_read_right_to_left_and_keep_their_outlet_apart_from_the_date()
    {
        // A page rendered from records, no service: an Arabic story between two English ones.
        using var temp = new TempFolder();
        StoredItem Item(long id, string title, string body, string language, string outlet) => new()
        {
            Id = id,
            EntryId = $"tag:test,2026:{id}",
            Title = title,
            Body = body,
            Language = language,
            Outlet = outlet,
            Url = $"https://example.org/{id}",
            PublishedAt = new DateTime(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc),
            FirstSeenAt = new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc),
        };
        var items = new[]
        {
            Item(1, "Seoul and Beijing resume talks", "Officials met in Seoul on Thursday.", "en", "Wire"),
            Item(2, "الصين وكوريا الجنوبية تستأنفان المحادثات", "التقى مسؤولون من البلدين في سيول يوم الخميس.", "ar", "الجزيرة"),
        };
        var page = Render(items, ItemFilter.All);
        var file = temp.File("river.html", System.Text.Encoding.UTF8.GetString(page));

        await using var browser = await BrowserAsync();
        await browser.NavigateAsync(new Uri(file).AbsoluteUri, Ct);
        string Direction(string selector) => $"getComputedStyle(document.querySelectorAll('{selector}')[1]).direction";
        Assert.Equal("rtl", (await browser.EvaluateAsync(Direction("ol.river article h3"), Ct)).GetString());
        Assert.Equal("rtl", (await browser.EvaluateAsync(Direction("ol.river article p.excerpt"), Ct)).GetString());
        Assert.Equal("ltr", (await browser.EvaluateAsync("getComputedStyle(document.querySelector('ol.river article h3')).direction", Ct)).GetString());
        // The line under the title stays "outlet · date": the Arabic name does not take the date
        // into its right-to-left run and put it on the left.
        Assert.True((await browser.EvaluateAsync("""
            (() => { const p = document.querySelectorAll('ol.river article p.meta')[1]; const r = document.createRange();
                     r.selectNodeContents(p.firstChild);
                     return r.getBoundingClientRect().right <= p.querySelector('time').getBoundingClientRect().left; })()
            """, Ct)).GetBoolean(), "the date is drawn left of the Arabic outlet's name");
    }

    /// <summary>The chart follows the tag and the language, not a search: said under it when there is one.</summary>
    [Fact]
    public void Under_a_search_the_chart_says_it_counts_every_story()
    {
        var note = "The chart counts every story in English, not only those this listing's search, source or date picks.";
        Assert.Contains(note, System.Text.Encoding.UTF8.GetString(Render([], new ItemFilter { Language = "en", Text = "THAAD" })), StringComparison.Ordinal);
        Assert.DoesNotContain("The chart counts", System.Text.Encoding.UTF8.GetString(Render([], new ItemFilter { Language = "en" })), StringComparison.Ordinal);
    }

    /// <summary>The language filter offers Chinese in either script as well as each script, and
    /// keeps a filter nothing stored matches (it was dropped when the form was sent again).</summary>
    [Theory]
    [InlineData("zh-Hant", "zh-Hant", new[] { "", "en", "zh", "zh-Hans", "zh-Hant" })]
    [InlineData("zh", "zh", new[] { "", "en", "zh", "zh-Hans", "zh-Hant" })]
    [InlineData("ja", "ja", new[] { "", "en", "zh", "zh-Hans", "zh-Hant", "ja" })]
    public void The_language_filter_offers_each_chinese_script_and_keeps_the_one_asked_for(string lang, string selected, string[] options)
    {
        var page = System.Text.Encoding.UTF8.GetString(Aggregator.Publishing.RiverPage.Render(new Aggregator.Publishing.RiverView
        {
            SiteTitle = "Aggregator",
            BaseUrl = new Uri("http://127.0.0.1/"),
            Listing = new Aggregator.Publishing.ListingQuery(new ItemFilter { Language = lang }, "?lang=" + lang),
            Page = new ItemPage([], 1, 50, 0),
            Tags = [],
            Languages = ["en", "zh-Hans", "zh-Hant"],
            PerDay = new Dictionary<DateOnly, int>(),
            Today = new DateOnly(2026, 11, 20),
        }));
        var select = page[page.IndexOf("<select id=\"f-lang\"", StringComparison.Ordinal)..];
        select = select[..select.IndexOf("</select>", StringComparison.Ordinal)];
        Assert.Equal(options, System.Text.RegularExpressions.Regex.Matches(select, "<option value=\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        Assert.Equal([selected], System.Text.RegularExpressions.Regex.Matches(select, "<option value=\"([^\"]*)\" selected").Select(m => m.Groups[1].Value));
        Assert.Contains(">Chinese (Traditional)</option>", select, StringComparison.Ordinal);
    }

    private static byte[] Render(StoredItem[] items, ItemFilter filter) => Aggregator.Publishing.RiverPage.Render(new Aggregator.Publishing.RiverView
    {
        SiteTitle = "Aggregator",
        BaseUrl = new Uri("http://127.0.0.1/"),
        Listing = new Aggregator.Publishing.ListingQuery(filter, ""),
        Page = new ItemPage(items, 1, 50, items.Length),
        Tags = [],
        Languages = ["ar", "en"],
        PerDay = new Dictionary<DateOnly, int>(),
        Today = new DateOnly(2026, 11, 20),
    });

    private static async Task<List<string>> Strings(HeadlessChromium browser, string expression) =>
        (await browser.EvaluateAsync(expression, Ct)).EnumerateArray().Select(e => e.GetString()!.Trim()).ToList();

    private static async Task SaveAsync(HeadlessChromium browser, string name)
    {
        var png = await browser.ScreenshotAsync(Ct);
        Assert.Equal(0x89, png[0]);
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, png, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
    }
}
