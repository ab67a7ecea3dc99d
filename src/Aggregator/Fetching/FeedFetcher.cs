using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Aggregator.Configuration;
using Microsoft.Extensions.Options;

namespace Aggregator.Fetching;

/// <summary>Conditional GET of one feed, politely: our User-Agent, the stored ETag and
/// Last-Modified, gzip/deflate/brotli decoded by us so the body limit applies to the
/// decompressed bytes while they are read (a gzip bomb stops at the limit), redirects
/// followed by hand so a permanent one can update the stored address.</summary>
public sealed class FeedFetcher(IHttpClientFactory clients, IOptions<AggregatorOptions> options, TimeProvider clock)
{
    public const string ClientName = "feeds";

    public static void Configure(IServiceCollection services, FetchingOptions options) =>
        services.AddHttpClient(ClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan; // our own token bounds each fetch, body included
                c.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent.Value);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = options.MaxPerHost,
                UseCookies = false,
            });

    public async Task<FetchResult> FetchAsync(Uri url, string? etag, string? lastModified, CancellationToken ct)
    {
        var o = options.Value.Fetching;
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        var client = clients.CreateClient(ClientName);
        var current = url;
        var permanent = true;
        var visited = new HashSet<string>(StringComparer.Ordinal) { url.AbsoluteUri };
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
                request.Headers.Accept.ParseAdd("application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8");
                if (etag is not null) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                if (lastModified is not null) request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;

                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    if (response.Headers.Location is not { } location)
                        return Failed(url, current, status, $"HTTP {status} redirect without a Location header", watch);
                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    permanent &= status is 301 or 308;
                    if (!visited.Add(next.AbsoluteUri))
                        return Failed(url, current, status, $"redirect loop: {next} was already visited", watch);
                    if (hop + 1 > o.MaxRedirects)
                        return Failed(url, current, status, $"more than {o.MaxRedirects} redirects", watch);
                    current = next;
                    continue;
                }

                var moved = permanent && current != url ? current : null;
                var result = new FetchResult
                {
                    Outcome = FetchOutcome.Failed,
                    FinalUrl = current,
                    PermanentUrl = moved,
                    Status = status,
                    RetryAfter = RetryAfter(response.Headers.RetryAfter),
                    CacheLifetime = Lifetime(response),
                    Elapsed = watch.Elapsed,
                };
                switch (status)
                {
                    case 304:
                        return result with { Outcome = FetchOutcome.NotModified };
                    case 410:
                        return result with { Outcome = FetchOutcome.Gone, Error = "HTTP 410 Gone: the publisher removed this feed; polling stopped" };
                    case >= 200 and < 300:
                        var (body, gzipped) = await ReadBodyAsync(response, o.MaxBodyBytes, timeout.Token);
                        return result with
                        {
                            Outcome = FetchOutcome.Ok,
                            Body = body,
                            Gzipped = gzipped,
                            ContentType = response.Content.Headers.ContentType?.MediaType,
                            Charset = response.Content.Headers.ContentType?.CharSet,
                            Etag = response.Headers.ETag?.ToString(),
                            LastModified = response.Content.Headers.LastModified?.ToString("R"),
                            Elapsed = watch.Elapsed,
                        };
                    default:
                        return result with { Error = $"HTTP {status} {response.ReasonPhrase}".TrimEnd() };
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(url, current, null, $"timed out after {o.TimeoutSeconds} s", watch);
        }
        catch (HttpRequestException e)
        {
            return Failed(url, current, null, e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message, watch);
        }
        catch (BodyTooLargeException e)
        {
            return Failed(url, current, 200, e.Message, watch);
        }
        catch (InvalidDataException e)
        {
            return Failed(url, current, 200, $"the compressed body is corrupt: {e.Message}", watch);
        }
        catch (IOException e)
        {
            return Failed(url, current, null, $"the connection broke while reading: {e.Message}", watch);
        }
    }

    private static FetchResult Failed(Uri url, Uri current, int? status, string error, Stopwatch watch) =>
        new() { Outcome = FetchOutcome.Failed, FinalUrl = current == url ? url : current, Status = status, Error = error, Elapsed = watch.Elapsed };

    /// <returns>The body, and when the server sent it gzipped (and nothing else), its bytes as sent.</returns>
    private static async Task<(byte[] Body, byte[]? Gzipped)> ReadBodyAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        await using var raw = await response.Content.ReadAsStreamAsync(ct);
        var codings = response.Content.Headers.ContentEncoding;
        var coding = codings.LastOrDefault()?.ToLowerInvariant();
        // The server's gzip is kept to be stored as it is: compressing every body again was 0.12 s
        // of a cold cycle over 1000 feeds (docs/benchmarks.md).
        var recording = coding is "gzip" or "x-gzip" && codings.Count == 1 ? new RecordingStream(raw, max + 1) : null;
        await using var stream = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(recording ?? raw, CompressionMode.Decompress),
            "br" => new BrotliStream(raw, CompressionMode.Decompress),
            "deflate" => Deflate(raw),
            _ => raw,
        };
        var declared = response.Content.Headers.ContentLength;
        if (coding is null && declared > max)
            throw new BodyTooLargeException($"the body is {declared:N0} bytes, over the limit of {max:N0} (Aggregator:Fetching:MaxBodyBytes)");
        // Read into pooled buffers that double as needed, and copy out once at the exact size: a
        // growing MemoryStream plus a chunk array allocated five times a feed's size, the largest
        // part of what a cold cycle allocated outside parsing. Never more than max + 1 bytes are held.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(coding is null && declared is { } d ? d + 1 : 64 * 1024, 1, max + 1L));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, max + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0) break;
                length += read;
                if (length > max)
                    throw new BodyTooLargeException($"the body is over the limit of {max:N0} bytes{(coding is null ? "" : " after decompression")} (Aggregator:Fetching:MaxBodyBytes); reading stopped there");
            }
            return (buffer.AsSpan(0, length).ToArray(), recording?.Recorded);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>HTTP "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2), but servers also send raw deflate.</summary>
    private static Stream Deflate(Stream raw)
    {
        var buffered = new BufferedStream(raw);
        var first = new byte[1];
        var peeked = buffered.Read(first, 0, 1);
        var prefix = new MemoryStream(first, 0, peeked);
        var joined = new ConcatenatedStream(prefix, buffered);
        return peeked == 1 && (first[0] & 0x0F) == 8 ? new ZLibStream(joined, CompressionMode.Decompress) : new DeflateStream(joined, CompressionMode.Decompress);
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private TimeSpan? Lifetime(HttpResponseMessage response)
    {
        if (response.Headers.CacheControl?.MaxAge is { } maxAge) return maxAge;
        if (response.Content.Headers.Expires is { } expires && expires - clock.GetUtcNow() is var left && left > TimeSpan.Zero) return left;
        return null;
    }

    private sealed class BodyTooLargeException(string message) : Exception(message);
}
