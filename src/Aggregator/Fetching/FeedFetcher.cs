using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Aggregator.Configuration;
using Microsoft.Extensions.Options;

namespace Aggregator.Fetching;

/// <summary>Conditional GET of one feed, politely: our User-Agent, the stored ETag and
/// Last-Modified, gzip/deflate/brotli decoded by us so the body limit applies to the
/// decompressed bytes while they are read (<see cref="BodyReader"/>), redirects followed by
/// hand so a permanent one can update the stored address.</summary>
public sealed partial class FeedFetcher(IHttpClientFactory clients, IOptions<AggregatorOptions> options, TimeProvider clock)
{
    public const string ClientName = "feeds";

    /// <summary>For the hops after a public feed redirected to another host: connects to public
    /// addresses only (NetworkReach.ConnectPublicOnlyAsync), with a pool of its own, so that no
    /// connection made for an operator's own private feed is reused for them.</summary>
    public const string PublicOnlyClientName = "feeds-public-only";

    private const string FeedTypes = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";

    /// <summary>What a browser asks for: an entry's own page, not its feed.</summary>
    public const string PageTypes = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8";

    public static void Configure(IServiceCollection services, FetchingOptions options)
    {
        foreach (var (name, publicOnly) in new[] { (ClientName, false), (PublicOnlyClientName, true) })
            services.AddHttpClient(name, c =>
                {
                    c.Timeout = Timeout.InfiniteTimeSpan; // our own token bounds each fetch, body included
                    c.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent.Value);
                })
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    AutomaticDecompression = DecompressionMethods.None,
                    ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
                    ConnectCallback = publicOnly ? NetworkReach.ConnectPublicOnlyAsync : null,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    MaxConnectionsPerServer = options.MaxPerHost,
                    UseCookies = false,
                });
    }

    /// <param name="credentials">Sent to the feed's own scheme, host and port only.</param>
    /// <param name="turn">The fetch's turn within a cycle's limits, held for the feed's own host:
    /// a redirect to another host waits for that host's turn, and the wait does not count
    /// against the time limit.</param>
    /// <param name="accept">What to ask for: feeds (null), or <see cref="PageTypes"/>.</param>
    /// <param name="publicOnly">Connect to public addresses only from the first request on (an
    /// entry's page a feed on the internet links to; see <see cref="PublicOnlyClientName"/>).</param>
    public async Task<FetchResult> FetchAsync(Uri url, string? etag, string? lastModified, CancellationToken ct, FeedCredentials? credentials = null,
        FetchLimits.Lease? turn = null, bool publicOnly = false, string? accept = null)
    {
        var o = options.Value.Fetching;
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        var client = clients.CreateClient(publicOnly ? PublicOnlyClientName : ClientName);
        var current = url;
        var permanent = true;
        int? status = null;
        var visited = new HashSet<string>(StringComparer.Ordinal) { url.AbsoluteUri };
        var readingBody = false;
        var waited = TimeSpan.Zero; // for other hosts' turns after a redirect
        if (turn?.Silence is { } silence)
            return Failed(url, url, null, silence, watch);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
                request.Headers.Accept.ParseAdd(accept ?? FeedTypes);
                if (etag is not null) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                if (lastModified is not null) request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
                request.Headers.Authorization = credentials?.For(url, current);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;

                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    if (response.Headers.Location is not { } location)
                        return Failed(url, current, status, response.Headers.TryGetValues("Location", out var sent)
                            ? $"HTTP {status} redirect to \"{string.Join(", ", sent)}\", which is not a URL"
                            : $"HTTP {status} redirect without a Location header", watch);
                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    permanent &= status is 301 or 308;
                    if (next.Scheme is not ("http" or "https"))
                        return Failed(url, current, status, $"HTTP {status} redirect to {next.AbsoluteUri}, which is not an http(s) address", watch);
                    if (!visited.Add(next.AbsoluteUri))
                        return Failed(url, current, status, $"redirect loop: {next.AbsoluteUri} was already visited", watch);
                    if (hop + 1 > o.MaxRedirects)
                        return Failed(url, current, status, $"more than {o.MaxRedirects} redirects", watch);
                    var (inside, guarded) = await NetworkReach.RedirectAsync(current, next, timeout.Token);
                    if (inside is not null)
                        return Failed(url, current, status, $"HTTP {status} {inside}", watch);
                    if (guarded) client = clients.CreateClient(PublicOnlyClientName);
                    current = next;
                    if (turn is not null && !string.Equals(turn.Host, next.Authority, StringComparison.OrdinalIgnoreCase))
                    {
                        timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                        var spent = watch.Elapsed;
                        await turn.MoveToAsync(next.Authority, ct);
                        if (turn.Silence is { } elsewhere)
                            return Failed(url, current, status, elsewhere, watch);
                        waited += watch.Elapsed - spent;
                        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds) - (watch.Elapsed - waited) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
                    }
                    continue;
                }

                // RFC 9110 §15.4.2: a permanent redirect means "use the new URI from now on" — once
                // it answers. A feed moved to a dead address keeps the address it was subscribed at.
                var moved = permanent && current != url && status is 304 or (>= 200 and < 300) ? current : null;
                var result = new FetchResult
                {
                    Outcome = FetchOutcome.Failed,
                    FinalUrl = current,
                    PermanentUrl = moved,
                    Status = status,
                    RetryAfter = RetryAfter(response),
                    CacheLifetime = Lifetime(response),
                    Elapsed = watch.Elapsed,
                };
                switch (status)
                {
                    case 304 when etag is null && lastModified is null:
                        // "Not modified" since nothing: a misconfigured server or cache, which
                        // would otherwise show the feed as healthy and empty forever.
                        return result with { Error = "HTTP 304 Not Modified in answer to a request without validators (the server or a cache in front of it is misconfigured)" + At(url, current) };
                    case 304:
                        return result with { Outcome = FetchOutcome.NotModified, Etag = Raw(response.Headers, "ETag"), LastModified = Raw(response.Content.Headers, "Last-Modified") };
                    case 410 when permanent:
                        return result with { Outcome = FetchOutcome.Gone, Error = $"HTTP 410 Gone{At(url, current)}: the publisher removed this feed; polling stopped" };
                    case 410:
                        // Gone behind a temporary redirect is the temporary address's end, not the feed's.
                        return result with { Error = $"HTTP 410 Gone{At(url, current)}, reached through a temporary redirect; retried later" };
                    case >= 200 and < 300:
                        readingBody = true;
                        var (body, gzipped) = await BodyReader.ReadAsync(response, o.MaxBodyBytes, timeout.Token);
                        return result with
                        {
                            Outcome = FetchOutcome.Ok,
                            Body = body,
                            Gzipped = gzipped,
                            ContentType = response.Content.Headers.ContentType?.MediaType,
                            Charset = response.Content.Headers.ContentType?.CharSet,
                            // Sent back exactly as they came: a server comparing the strings (an
                            // unquoted ETag, a date in its own format) answers 304 only to its own.
                            Etag = Raw(response.Headers, "ETag"),
                            LastModified = Raw(response.Content.Headers, "Last-Modified"),
                            Elapsed = watch.Elapsed,
                        };
                    case 401:
                        return result with
                        {
                            Error = $"HTTP 401 {response.ReasonPhrase}".TrimEnd() + At(url, current) + (credentials is null
                                ? ": the feed wants a user name and password (feeds edit URL --user NAME --password-stdin)"
                                : request.Headers.Authorization is null && permanent
                                // Moved for good to a site that wants them too: the subscription is
                                // not moved to an address that does not answer, so `feeds edit` of
                                // either address cannot help; subscribing there can.
                                ? $": it wants a user name and password, and the ones given for the feed's own site are not sent to another; the feed moved there permanently, so subscribe there with them: aggregator feeds remove {url.AbsoluteUri} && aggregator feeds add {current.AbsoluteUri} --user NAME --password-stdin"
                                : request.Headers.Authorization is null
                                ? ": it wants a user name and password, and the ones given for the feed's own site are not sent to another"
                                : ": the user name or password was refused"),
                        };
                    default:
                        return result with
                        {
                            Error = $"HTTP {status} {response.ReasonPhrase}".TrimEnd() + At(url, current)
                                + (result.RetryAfter is { } wait && wait > TimeSpan.Zero ? $"; the server asks to wait {Duration(wait)} before trying again" : ""),
                        };
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Ours (the total time) or the handler's own (connecting): the message says which, and
            // what was being waited for.
            var reason = !timeout.IsCancellationRequested
                ? $"could not connect within {o.ConnectTimeoutSeconds} s"
                : $"timed out after {o.TimeoutSeconds} s {(readingBody ? "while reading the body" : "waiting for the server to answer")}";
            if (!readingBody) turn?.Unanswered(reason);
            return Failed(url, current, status, reason + At(url, current), watch);
        }
        catch (HttpRequestException e)
        {
            // The inner message only when it adds something: "Connection refused (127.0.0.1:80)
            // (Connection refused)" said it twice.
            var reason = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message;
            if (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError) turn?.Unanswered(reason);
            return Failed(url, current, status, reason + At(url, current), watch)
                with
            { HostNotFound = e.HttpRequestError == HttpRequestError.NameResolutionError };
        }
        catch (BodyException e)
        {
            return Failed(url, current, status, e.Message + At(url, current), watch);
        }
        catch (InvalidDataException e)
        {
            return Failed(url, current, status, $"the compressed body is corrupt: {e.Message}{At(url, current)}", watch);
        }
        catch (IOException e)
        {
            return Failed(url, current, status, $"the connection broke while reading: {e.Message}{At(url, current)}", watch);
        }
    }

    private static FetchResult Failed(Uri url, Uri current, int? status, string error, Stopwatch watch) =>
        new() { Outcome = FetchOutcome.Failed, FinalUrl = current == url ? url : current, Status = status, Error = error, Elapsed = watch.Elapsed };

    /// <summary>Where a failure happened, when a redirect took the fetch away from the subscribed address.</summary>
    private static string At(Uri url, Uri current) => current == url ? "" : $" at {current.AbsoluteUri}";

    /// <summary>A wait as people say it: "90 s", "45 min", "2 h", "3 days".</summary>
    internal static string Duration(TimeSpan wait) =>
        wait.TotalSeconds < 120 ? FormattableString.Invariant($"{wait.TotalSeconds:0} s") : wait.TotalMinutes < 120 ? FormattableString.Invariant($"{wait.TotalMinutes:0} min")
            : wait.TotalHours < 48 ? FormattableString.Invariant($"{wait.TotalHours:0.#} h") : FormattableString.Invariant($"{wait.TotalDays:0.#} days");

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[,\s])max-age\s*=\s*""?(\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex MaxAge();

    private static string? Raw(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } value ? value : null;

    /// <summary>A date the server gives (Retry-After, Expires) as a wait: counted from the
    /// server's own Date, when it sends one, so that its clock being days off does not turn "in
    /// two minutes" into "in two days" or into now (RFC 9111 §4.2.1: Expires minus Date).</summary>
    private TimeSpan Until(DateTimeOffset date, HttpResponseMessage response) =>
        date - (response.Headers.Date ?? clock.GetUtcNow()) is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => Until(date, response),
        _ => Raw(response.Headers, "Retry-After") is { } raw && Overflowing(raw.AsSpan().Trim()) ? Longest : null,
    };

    /// <summary>RFC 9111 §1.2.2: a delta-seconds past 2³¹ counts as 2³¹. The typed headers fail to
    /// parse one and drop the header, so "wait a very long time" was read as "nothing asked".</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(int.MaxValue);

    private static bool Overflowing(ReadOnlySpan<char> digits) => digits.Length >= 10 && !digits.ContainsAnyExceptInRange('0', '9');

    private TimeSpan? Lifetime(HttpResponseMessage response)
    {
        if (response.Headers.CacheControl is null && Raw(response.Headers, "Cache-Control") is { } raw
            && MaxAge().Match(raw) is { Success: true } m && Overflowing(m.Groups[1].ValueSpan))
            return Longest;
        // RFC 9111 §4.2.3: a response that has sat in a cache for Age seconds is fresh for that much less.
        if (response.Headers.CacheControl?.MaxAge is { } maxAge)
            return response.Headers.Age is { } age && age < maxAge ? maxAge - age : response.Headers.Age is null ? maxAge : TimeSpan.Zero;
        if (response.Content.Headers.Expires is { } expires && Until(expires, response) is var left && left > TimeSpan.Zero)
            return response.Headers.Age is { } aged ? (left > aged ? left - aged : null) : left;
        return null;
    }
}
