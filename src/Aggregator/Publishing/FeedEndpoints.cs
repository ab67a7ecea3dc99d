using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Publishing;

/// <summary>GET /feeds/all.{atom,rss,json} and /feeds/tags/{tag}.{atom,rss,json}: the merged feed.</summary>
public static class FeedEndpoints
{
    public static void MapFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/feeds/all.{format}", (string format, HttpContext http, ItemQueries items, IOptions<AggregatorOptions> options, CancellationToken ct) =>
            Serve(format, null, http, items, options.Value.Publishing, ct));
        app.MapGet("/feeds/tags/{tag}.{format}", (string tag, string format, HttpContext http, ItemQueries items, IOptions<AggregatorOptions> options, CancellationToken ct) =>
            Serve(format, tag, http, items, options.Value.Publishing, ct));
    }

    private static async Task<IResult> Serve(string format, string? tag, HttpContext http, ItemQueries queries, PublishingOptions options, CancellationToken ct)
    {
        Func<FeedView, byte[]>? write = format switch
        {
            "atom" => SyndicationWriter.Atom,
            "rss" => SyndicationWriter.Rss,
            "json" => JsonFeedWriter.Write,
            _ => null,
        };
        if (write is null)
            return Results.NotFound($"Unknown feed format \"{format}\": use .atom, .rss or .json.");
        // ?collapse=false: every copy of a story as its own entry.
        var collapse = !string.Equals(http.Request.Query["collapse"], "false", StringComparison.OrdinalIgnoreCase);
        var items = await queries.NewestAsync(tag, options.PageSize, ct, collapse);
        var baseUrl = new Uri(string.IsNullOrEmpty(options.BaseUrl) ? $"{http.Request.Scheme}://{http.Request.Host}/" : options.BaseUrl.TrimEnd('/') + "/");
        var title = tag is null ? options.Title : $"{options.Title}: {tag}";
        var view = FeedView.Of(title, baseUrl, http.Request.Path, items);
        return Results.Bytes(write(view), ContentType(format));
    }

    public static string ContentType(string format) => format switch
    {
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        _ => "application/feed+json; charset=utf-8",
    };
}
