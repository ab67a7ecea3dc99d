using Aggregator.Fetching;
using Aggregator.Parsing.Feeds;

namespace Aggregator.Sources;

/// <summary>The feeds behind a web page's address, for people who paste a site rather than its
/// feed: those the page advertises, else the places blog engines put them (WordPress /feed/,
/// Ghost /rss/, Hugo /index.xml, Jekyll /feed.xml, …), as Miniflux and NetNewsWire look.
/// Each candidate is fetched and parsed: a dead link or a JSON API is not offered.</summary>
public static class FeedDiscovery
{
    /// <summary>Where feeds usually are, relative to a site's root.</summary>
    public static readonly IReadOnlyList<string> CommonPaths = ["feed/", "rss/", "feed", "rss", "rss.xml", "feed.xml", "atom.xml", "index.xml", "index.rss", "rss.php"];

    public sealed record Found(Uri Url, ParsedFeed Feed);

    /// <summary>The candidates that answer with a feed, in the page's order (advertised first).</summary>
    /// <param name="site">The address the subscriber gave: the usual places are on its site, and
    /// credentials go only to its scheme, host and port.</param>
    /// <param name="advertised">The page's &lt;link rel="alternate"&gt; feeds (FeedParser.NotAFeed).</param>
    /// <param name="page">The page the address led to (through a redirect on the same site:
    /// "example.com" to "https://example.com/blog/"): the usual places are looked for under its path.</param>
    public static async Task<IReadOnlyList<Found>> FindAsync(FeedFetcher fetcher, Uri site, IReadOnlyList<string> advertised, FeedCredentials? credentials, CancellationToken ct,
        Uri? page = null)
    {
        var candidates = advertised.Count > 0
            ? advertised.Select(a => Uri.TryCreate(a, UriKind.Absolute, out var u) ? u : null).OfType<Uri>().ToList()
            : UsualPlaces(page ?? site).ToList();
        var found = new List<Found>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // One at a time (they are one site's), and within a deadline: a site whose dead links
        // each hang until the fetch timeout must not keep the command waiting for minutes.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        foreach (var candidate in candidates.Where(c => c.Scheme is "http" or "https").DistinctBy(c => c.AbsoluteUri).Take(2 * CommonPaths.Count))
        {
            FetchResult fetch;
            try
            {
                fetch = await fetcher.FetchAsync(candidate, null, null, deadline.Token, FeedCredentials.SameOrigin(candidate, site) ? credentials : null);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                break; // out of time: what was found so far
            }
            if (fetch.Outcome != FetchOutcome.Ok) continue;
            if (seen.Add(fetch.FinalUrl.AbsoluteUri) && FeedParser.Parse(fetch.Body!, fetch.FinalUrl, fetch.Charset).Feed is { } feed)
                found.Add(new Found(fetch.PermanentUrl ?? candidate, feed));
            if (advertised.Count == 0 && found.Count > 0) break; // the first usual place that answers is the site's feed
        }
        return found;
    }

    /// <summary>How long looking for a page's feeds may take in all.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>An address that names a feed rather than a site ("…/feed.xml", "…/rss", "…/atom"):
    /// a web page there is an error page or a login wall, not a site to look for feeds on.</summary>
    /// <summary>The usual places, under the page's own path first ("/blog/" → "/blog/feed/": a blog
    /// kept under a site's path has its feed there), then at the site's root.</summary>
    private static IEnumerable<Uri> UsualPlaces(Uri site)
    {
        var root = new Uri(site.GetLeftPart(UriPartial.Authority) + "/");
        // The page's folder: "/blog/" and "/blog" are the blog's, "/blog/index.html" is in it.
        var path = site.AbsolutePath;
        var last = path.TrimEnd('/');
        var folderPath = last[(last.LastIndexOf('/') + 1)..].Contains('.') ? last[..(last.LastIndexOf('/') + 1)] : last + "/";
        if (folderPath != "/" && !LooksLikeAFeedAddress(site))
        {
            var folder = new Uri(root, folderPath);
            foreach (var place in CommonPaths) yield return new Uri(folder, place);
        }
        foreach (var place in CommonPaths) yield return new Uri(root, place);
    }

    /// <summary>The same site, whatever the scheme and a leading "www." (http://example.com redirected to https://www.example.com).</summary>
    public static bool SameSite(Uri a, Uri b) =>
        string.Equals(WithoutWww(a.IdnHost), WithoutWww(b.IdnHost), StringComparison.OrdinalIgnoreCase);

    private static string WithoutWww(string host) => host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : host;

    public static bool LooksLikeAFeedAddress(Uri url)
    {
        var path = url.AbsolutePath.ToLowerInvariant();
        return Path.GetExtension(path) is ".xml" or ".rss" or ".atom" or ".rdf" or ".json"
            || path.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() is "feed" or "rss" or "atom" or "feeds";
    }

    /// <summary>An address as people type it: "example.com/feed" is https://example.com/feed, and
    /// feed:// (how browsers once handed feeds to readers) is http://.</summary>
    public static string WithScheme(string address)
    {
        var a = address.Trim();
        if (a.StartsWith("feed:", StringComparison.OrdinalIgnoreCase)) return FeedUrl.WithoutFeedScheme(a);
        // A feed server on this machine (RSSHub on localhost:1200, common for Chinese sources) speaks plain http.
        if (a.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) || a.StartsWith("localhost/", StringComparison.OrdinalIgnoreCase)) return "http://" + a;
        return a.Contains("://", StringComparison.Ordinal) || a.StartsWith('/') || a.StartsWith('.') || !a.Contains('.') ? a : "https://" + a;
    }

    /// <summary>A command line argument the shell takes as it is ("&amp;" and spaces in addresses).</summary>
    public static string Quoted(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
