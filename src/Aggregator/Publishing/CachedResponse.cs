using Microsoft.Net.Http.Headers;

namespace Aggregator.Publishing;

/// <summary>Sends a rendered feed or page as HTTP caches and feed readers expect (RFC 9110,
/// RFC 9111): a strong ETag and Last-Modified, 304 for If-None-Match / If-Modified-Since,
/// Cache-Control, Vary, and the bytes compressed with brotli or gzip when the client accepts it.</summary>
public sealed class CachedResponse(Rendered rendered, int maxAgeSeconds) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        var encoding = Negotiate(request);
        var headers = response.Headers;
        // Each encoding is its own representation, so its own strong ETag (as nginx and Apache do).
        headers.ETag = encoding is null ? rendered.ETag : rendered.ETag.Insert(rendered.ETag.Length - 1, "-" + encoding);
        headers.LastModified = HeaderUtilities.FormatDate(rendered.LastModified);
        headers.CacheControl = $"public, max-age={maxAgeSeconds}";
        headers.Append(Microsoft.Net.Http.Headers.HeaderNames.Vary, "Accept-Encoding"); // Host too, when the links are made from it (FeedEndpoints.BaseUrl)

        if (NotModified(request))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        var body = encoding switch { "br" => rendered.Brotli, "gzip" => rendered.Gzip, _ => rendered.Body };
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = rendered.ContentType;
        if (encoding is not null) headers.ContentEncoding = encoding;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2). The comparison is
    /// weak, as §13.1.2 asks, and ignores the encoding suffix: the content is the same.</summary>
    private bool NotModified(HttpRequest request)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            var ours = rendered.ETag.Trim('"');
            foreach (var value in ifNoneMatch)
                foreach (var raw in (value ?? "").Split(','))
                {
                    var tag = raw.Trim();
                    if (tag == "*") return true;
                    if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
                    tag = tag.Trim('"');
                    if (tag == ours || tag == ours + "-gzip" || tag == ours + "-br") return true;
                }
            return false;
        }
        return HeaderUtilities.TryParseDate(request.Headers.IfModifiedSince.ToString(), out var since) && rendered.LastModified <= since;
    }

    private static string? Negotiate(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        if (accepted.Count == 0) return null;
        // A coding named outright is taken at its own weight, even 0 ("br;q=0, *" refuses br,
        // RFC 9110 12.5.3); "*" speaks only for codings not named.
        double Quality(string coding)
        {
            var named = accepted.Where(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).ToList();
            return named.Count > 0 ? named.Max() : accepted.Where(a => a.Value == "*").Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        }
        return Quality("br") > 0 ? "br" : Quality("gzip") > 0 ? "gzip" : null;
    }
}
