using Aggregator.Configuration;
using Aggregator.Sources;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Publishing;

/// <summary>The river page (/, /tags/{tag}/, later pages at …/page/{n}/), its stylesheet and
/// icon, and /opml (the sources, for readers to subscribe to them directly).</summary>
public static class PageEndpoints
{
    // Pages carry no script and load nothing from elsewhere; a hostile title that slipped
    // through encoding could still run nothing.

    public static void MapPages(this IEndpointRouteBuilder app)
    {
        string[] getAndHead = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/", getAndHead, (HttpContext http, PageRenderer pages, CancellationToken ct) =>
            pages.ServeAsync(http, http.Request.Query["tag"].LastOrDefault() is { Length: > 0 } t ? t : null, 1, ct));
        // Routing matches these with and without the trailing slash the links carry.
        app.MapMethods("/page/{page:int}", getAndHead, (int page, HttpContext http, PageRenderer pages, CancellationToken ct) =>
            pages.ServeAsync(http, http.Request.Query["tag"].LastOrDefault() is { Length: > 0 } t ? t : null, page, ct));
        app.MapMethods("/tags/{tag}", getAndHead, (string tag, HttpContext http, PageRenderer pages, CancellationToken ct) =>
            pages.ServeAsync(http, tag, 1, ct));
        app.MapMethods("/tags/{tag}/page/{page:int}", getAndHead, (string tag, int page, HttpContext http, PageRenderer pages, CancellationToken ct) =>
            pages.ServeAsync(http, tag, page, ct));
        app.MapMethods("/assets/site.css", getAndHead, () => new CachedResponse(Assets.Css, 86400));
        app.MapMethods("/icon.png", getAndHead, () => new CachedResponse(Assets.Icon, 86400));
        app.MapMethods("/favicon.ico", getAndHead, () => new CachedResponse(Assets.Icon, 86400));
        app.MapMethods("/opml", getAndHead, async (HttpContext http, PageRenderer pages, CancellationToken ct) => await pages.ServeOpmlAsync(http, ct));
    }

    /// <summary>What a river page may load and where its form may go: this origin and the public
    /// address's (the stylesheet, icon and search are linked there). The header adds who may
    /// frame it, which a page cannot say of itself.</summary>
    public static string ContentSecurityPolicy(Uri? publicAddress)
    {
        var sources = publicAddress is null ? "'self'" : $"'self' {publicAddress.GetLeftPart(UriPartial.Authority)}";
        return $"default-src 'none'; style-src {sources}; img-src {sources}; base-uri 'none'; form-action {sources}";
    }

    /// <param name="baseUrl">The configured public address: the search form is sent there, so
    /// forms may go to it (and to this page's own origin, nowhere else: with the address taken
    /// from a forged Host header, the form would have sent searches to that host).</param>
    public static void SecureHtml(HttpResponse response, string? baseUrl)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(Uri.TryCreate(baseUrl, UriKind.Absolute, out var configured) ? configured : null) + "; frame-ancestors 'none'";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}

/// <summary>The stylesheet and icon, embedded in the program.</summary>
public static class Assets
{
    public static Rendered Css { get; } = Load("site.css", "text/css; charset=utf-8");
    public static Rendered Icon { get; } = Load("icon.png", "image/png");

    private static Rendered Load(string name, string contentType)
    {
        using var stream = typeof(Assets).Assembly.GetManifestResourceStream("Aggregator.Publishing.Assets." + name)
            ?? throw new InvalidOperationException($"embedded asset {name} is missing");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        return new Rendered(bytes, contentType, Rendered.TagOf(bytes), new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
    }
}

/// <summary>Renders river pages and the OPML list through the render cache; StaticExport uses the same rendering.</summary>
public sealed class PageRenderer(ItemQueries queries, FeedStore feeds, RenderCache cache, TimeProvider time, Processing.Tagging.TopicCatalog topics, IOptions<AggregatorOptions> options)
{
    private PublishingOptions Options => options.Value.Publishing;

    public async Task<IResult> ServeAsync(HttpContext http, string? tag, int page, CancellationToken ct)
    {
        var listing = ListingQuery.Parse(http.Request.Query, tag, out var error);
        if (error is not null)
            return FeedEndpoints.Problem(StatusCodes.Status400BadRequest, error);
        if (tag is not null && topics.UnknownTag(tag) is { } unknownTag)
            return FeedEndpoints.NoSuchTag(unknownTag);
        var baseUrl = FeedEndpoints.BaseUrl(http, Options);
        var key = $"page|{baseUrl}|{tag}|{page}|{listing.QueryString}";
        var rendered = await cache.GetAsync(key, async token => (await RenderAsync(baseUrl, listing, page, token) ?? [], "text/html; charset=utf-8"), ct);
        if (rendered.Body.Length == 0)
            return FeedEndpoints.Problem(StatusCodes.Status404NotFound, $"There is no page {page} of this listing.");
        PageEndpoints.SecureHtml(http.Response, Options.BaseUrl);
        return new CachedResponse(rendered, Options.MaxAgeSeconds);
    }

    /// <summary>What every page of one listing shares: the filters' choices and the coverage chart.</summary>
    public sealed record Surroundings(IReadOnlyList<string> Languages, IReadOnlyList<string> Tags, IReadOnlyDictionary<DateOnly, int> PerDay, DateOnly Today);

    /// <summary>The languages and tags the filters offer, read again at most every five minutes:
    /// every write renders the pages anew, and counting every story's language took 0.56 s of
    /// each render at 360,000 items, for a list that changes with a new language or tag only.</summary>
    private (DateTime At, (IReadOnlyList<string> Languages, IReadOnlyList<string> Tags) Facets)? _facets;

    private static readonly TimeSpan FacetsKept = TimeSpan.FromMinutes(5);

    public async Task<Surroundings> SurroundingsAsync(ListingQuery listing, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        if (_facets is not { } kept || now - kept.At > FacetsKept || now < kept.At)
            _facets = kept = (now, await queries.FacetsAsync(ct));
        var (languages, tags) = kept.Facets;
        var perDay = await queries.StoriesPerDayAsync(listing.Filter with { Since = null, Text = null, Source = null }, today.AddDays(1 - RiverPage.ChartDays), ct);
        return new Surroundings(languages, tags, perDay, today);
    }

    /// <summary>The page's bytes, or null past the last page (page 1 always exists). A caller
    /// rendering many pages of one listing (StaticExport) passes the surroundings once.</summary>
    public async Task<byte[]?> RenderAsync(Uri baseUrl, ListingQuery listing, int page, CancellationToken ct, Surroundings? shared = null)
    {
        var items = await queries.PageAsync(listing.Filter, page, Options.PageSize, ct);
        if (page < 1 || (page > 1 && page > items.LastPage)) return null;
        var around = shared ?? await SurroundingsAsync(listing, ct);
        return RiverPage.Render(new RiverView
        {
            SiteTitle = Options.Title,
            BaseUrl = baseUrl,
            Listing = listing,
            Page = items,
            Tags = around.Tags,
            Languages = around.Languages,
            PerDay = around.PerDay,
            Today = around.Today,
        });
    }

    public async Task<IResult> ServeOpmlAsync(HttpContext http, CancellationToken ct)
    {
        var rendered = await cache.GetAsync("opml", async token => (await RenderOpmlAsync(token), "text/x-opml; charset=utf-8"), ct);
        return new CachedResponse(rendered, Options.MaxAgeSeconds);
    }

    public async Task<byte[]> RenderOpmlAsync(CancellationToken ct) =>
        System.Text.Encoding.UTF8.GetBytes(Opml.Write((await feeds.ListAsync(ct)).Where(f => f.Enabled && !f.Gone && Publishable(f)), Options.Title + ": sources", null));

    /// <summary>A feed the public sources list may name: not one read with a password, nor one
    /// whose address carries a key (anyone could read a private or paid feed with it).</summary>
    private static bool Publishable(FeedRow feed) => feed.Credentials is null && !Sources.FeedUrl.CarriesSecret(feed.Url);
}
