using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Publishing;

/// <summary>The merged feeds: /feeds/all.{atom,rss,json} and /feeds/tags/{tag}.{atom,rss,json},
/// later pages at /feeds/all/{page}.{format}, filtered by ?lang= ?source= ?q= ?since=.</summary>
public static class FeedEndpoints
{
    /// <summary>An error a person reads (in a browser, a feed reader's error pane): one line of
    /// plain text, not a JSON string.</summary>
    public static IResult Problem(int status, string message) =>
        Results.Text(message + "\n", "text/plain; charset=utf-8", System.Text.Encoding.UTF8, status);

    /// <summary>A tag the topic rules do not give: 404, naming the ones they do.</summary>
    public static IResult NoSuchTag(string message) => Problem(StatusCodes.Status404NotFound, char.ToUpperInvariant(message[0]) + message[1..]);

    public static readonly string[] Formats = ["atom", "rss", "json"];

    public static void MapFeeds(this IEndpointRouteBuilder app)
    {
        string[] getAndHead = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/feeds/all.{format}", getAndHead, (string format, HttpContext http, FeedRenderer feeds, CancellationToken ct) =>
            feeds.ServeAsync(http, null, 1, format, ct));
        app.MapMethods("/feeds/all/{page:int}.{format}", getAndHead, (int page, string format, HttpContext http, FeedRenderer feeds, CancellationToken ct) =>
            feeds.ServeAsync(http, null, page, format, ct));
        app.MapMethods("/feeds/tags/{tag}.{format}", getAndHead, (string tag, string format, HttpContext http, FeedRenderer feeds, CancellationToken ct) =>
            feeds.ServeAsync(http, tag, 1, format, ct));
        app.MapMethods("/feeds/tags/{tag}/{page:int}.{format}", getAndHead, (string tag, int page, string format, HttpContext http, FeedRenderer feeds, CancellationToken ct) =>
            feeds.ServeAsync(http, tag, page, format, ct));
    }

    public static string ContentType(string format) => format switch
    {
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        _ => "application/feed+json; charset=utf-8",
    };

    /// <summary>The public base URL: configured, else the request's own scheme and host.</summary>
    public static Uri BaseUrl(HttpContext http, PublishingOptions options)
    {
        if (!string.IsNullOrEmpty(options.BaseUrl)) return new(options.BaseUrl.TrimEnd('/') + "/");
        // The response's links are made from the Host header: a cache in front must keep a copy
        // per host, or one request with a forged Host serves its links to everyone.
        if (!http.Response.Headers.Vary.Contains("Host")) http.Response.Headers.Append(HeaderNames.Vary, "Host");
        return new($"{http.Request.Scheme}://{http.Request.Host}/");
    }
}

/// <summary>Renders feed pages through the render cache; StaticExport uses the same rendering.</summary>
public sealed class FeedRenderer(ItemQueries queries, RenderCache cache, Processing.Tagging.TopicCatalog topics, IOptions<AggregatorOptions> options)
{
    private PublishingOptions Options => options.Value.Publishing;

    public async Task<IResult> ServeAsync(HttpContext http, string? tag, int page, string format, CancellationToken ct)
    {
        if (!FeedEndpoints.Formats.Contains(format))
            return FeedEndpoints.Problem(StatusCodes.Status404NotFound, $"Unknown feed format \"{format}\": use .atom, .rss or .json.");
        // Pages count from 1. Page 0 must not reach the cache, whose key for pages up to 1 is page 1's.
        if (page < 1)
            return FeedEndpoints.Problem(StatusCodes.Status404NotFound, $"There is no page {page} of this feed: pages count from 1.");
        var listing = ListingQuery.Parse(http.Request.Query, tag, out var error);
        if (error is not null)
            return FeedEndpoints.Problem(StatusCodes.Status400BadRequest, error);
        if (tag is null && http.Request.Query["tag"].LastOrDefault()?.Trim() is { Length: > 0 } asked)
        {
            // A feed's tag is in its path: the merged feed with ?tag= (as the page's form asks)
            // served every story, and a reader subscribed to it never knew.
            if (topics.UnknownTag(asked) is null)
            {
                var path = page == 1 ? $"feeds/tags/{Uri.EscapeDataString(asked)}.{format}" : $"feeds/tags/{Uri.EscapeDataString(asked)}/{page}.{format}";
                return Results.Redirect(new Uri(FeedEndpoints.BaseUrl(http, Options), path + listing.QueryString).AbsoluteUri, permanent: true, preserveMethod: true);
            }
            tag = asked;
        }
        if (tag is not null && topics.UnknownTag(tag) is { } unknownTag)
            return FeedEndpoints.NoSuchTag(unknownTag);
        var address = new FeedAddress(FeedEndpoints.BaseUrl(http, Options), tag, format, listing.QueryString);
        var key = $"feed|{address.PageUrl(page).AbsoluteUri}";
        var rendered = await cache.GetAsync(key, async token =>
        {
            var body = await RenderAsync(address, listing.Filter, page, token);
            return (body ?? [], FeedEndpoints.ContentType(format));
        }, ct);
        // An empty body is a page past the last one.
        return rendered.Body.Length == 0
            ? FeedEndpoints.Problem(StatusCodes.Status404NotFound, $"There is no page {page} of this feed.")
            : new CachedResponse(rendered, Options.MaxAgeSeconds);
    }

    /// <summary>The bytes of one feed page, or null when the page is past the last one (page 1 always exists).</summary>
    public async Task<byte[]?> RenderAsync(FeedAddress address, ItemFilter filter, int page, CancellationToken ct)
    {
        var items = await queries.PageAsync(filter, page, Options.PageSize, ct);
        if (page < 1 || (page > 1 && page > items.LastPage)) return null;
        var title = (address.Tag is null ? Options.Title : $"{Options.Title}: {address.Tag}") + ListingQuery.Describe(filter);
        var view = FeedView.Of(title, address, items, Options.HubUrl) with { Publisher = EntryText.Line(Options.Title) };
        return address.Format switch
        {
            "atom" => SyndicationWriter.Atom(view),
            "rss" => SyndicationWriter.Rss(view),
            _ => JsonFeedWriter.Write(view),
        };
    }
}
