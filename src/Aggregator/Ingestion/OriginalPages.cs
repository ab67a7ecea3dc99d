using Aggregator.Fetching;
using Aggregator.Parsing;
using Aggregator.Parsing.Documents;
using Aggregator.Parsing.Feeds;
using Aggregator.Storage;

namespace Aggregator.Ingestion;

/// <summary>Feeds that carry a line or two of each story (many news sites' RSS, Google News):
/// each entry's own page is fetched and its article read instead, as Miniflux's "fetch original
/// content" does, for the feeds the subscriber says (`feeds edit URL --fetch-original on`,
/// fetchOriginal="true" in the list). A page is fetched once, when its entry is first seen (a
/// failure that may pass, a timeout or a 5xx, is tried again an hour later, three times in all),
/// within the cycle's limits for its host, and kept as fetched: the feed's next change and
/// `feeds reparse` read the article again from it instead of reverting the item to its summary.</summary>
public sealed class OriginalPages(FeedFetcher fetcher, Database database, TimeProvider clock, ILogger<OriginalPages> logger)
{
    /// <summary>Pages fetched for one feed in one poll at most: a feed of 200 entries subscribed
    /// today has the rest fetched at its next polls, not 200 pages of one site in a row.</summary>
    public const int PerPoll = 30;

    public const int MaxAttempts = 3;

    public static readonly TimeSpan RetryAfter = TimeSpan.FromHours(1);

    /// <param name="Pages">The pages of the feed's entries, kept and new, by entry key.</param>
    /// <param name="Fetched">What this poll fetched or tried to: written with the poll.</param>
    /// <param name="Warning">For `feeds list` when pages could not be fetched, else null.</param>
    /// <param name="MoreDue">Pages are left for the next poll (more than <see cref="PerPoll"/> were
    /// due): it reads the feed again even if it has not changed.</param>
    public sealed record Gathered(IReadOnlyDictionary<string, OriginalPage> Pages, IReadOnlyList<OriginalPage> Fetched, string? Warning, bool MoreDue = false);

    /// <summary>The kept pages of a feed's entries, and those of new entries fetched now.</summary>
    public async Task<Gathered> GatherAsync(FeedRow feed, IReadOnlyList<(string Key, ParsedDocument Article)> entries, FetchLimits limits, CancellationToken ct)
    {
        var pages = await KeptAsync(feed, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var due = entries.Select(e => (e.Key, Url: Address(e.Article))).Where(e => e.Url is not null && Due(pages.GetValueOrDefault(e.Key), e.Url, now))
            .DistinctBy(e => e.Key).Take(PerPoll + 1).ToList();
        var moreDue = due.Count > PerPoll;
        if (moreDue) due.RemoveAt(PerPoll);
        var fetched = await Task.WhenAll(due.Select(e => FetchAsync(feed, e.Key, e.Url!, pages.GetValueOrDefault(e.Key), limits, now, ct)));
        foreach (var page in fetched) pages[page.EntryKey] = page;
        var failed = fetched.Where(p => p.Error is not null).ToList();
        foreach (var page in failed)
            logger.LogWarning("Feed {FeedUrl}: the page of entry {Entry} could not be fetched ({Url}: {Error}); its summary is kept", feed.Url, page.EntryKey, page.Url, page.Error);
        var warning = failed.Count == 0 ? null
            : $"{failed.Count} of {fetched.Length} entries' pages fetched this poll could not be read, their summaries kept (e.g. {failed[0].Url}: {failed[0].Error})";
        return new Gathered(pages, fetched, warning, moreDue);
    }

    /// <summary>The kept pages of a feed's entries (`feeds reparse` fetches nothing).</summary>
    public Task<Dictionary<string, OriginalPage>> KeptAsync(FeedRow feed, CancellationToken ct) => OriginalPageRows.OfFeedAsync(database, feed.Id, ct);

    /// <summary>The entry with its page's article in place of the feed's text, where the page was
    /// read and says more than the feed (a paywall's teaser, a consent page, a page whose article
    /// could not be found say less: the feed's text stays); otherwise the entry as it is.</summary>
    /// <param name="selector">Where the article is on the feed's pages (<see cref="FeedRow.ArticleSelector"/>).</param>
    public static ParsedDocument WithPage(ParsedDocument entry, OriginalPage? page, string? selector = null)
    {
        if (page?.Body is null || page.FinalUrl is null || !Uri.TryCreate(page.FinalUrl, UriKind.Absolute, out var address)) return entry;
        ParsedDocument article;
        try
        {
            article = HtmlDocumentParser.ParsePage(FeedDecoder.Decode(FeedBodies.Gunzip(page.Body), page.Charset).Text, address, selector);
        }
        catch (DocumentFormatException)
        {
            return entry;
        }
        if (article.Body.Length <= entry.Body.Length) return entry;
        var language = LanguageDetector.Detect(entry.Title, article.Body);
        return entry with
        {
            Body = article.Body,
            ContentHtml = article.ContentHtml,
            Language = language == "und" ? entry.Language : language,
            PublishedAt = entry.PublishedAt ?? article.PublishedAt,
            Author = entry.Author ?? article.Author,
        };
    }

    /// <summary>An entry's link, where it is a web address.</summary>
    private static Uri? Address(ParsedDocument entry) =>
        Uri.TryCreate(entry.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null;

    /// <summary>Never asked for, linked elsewhere now, or failed in a way that may pass and not tried for an hour.</summary>
    private static bool Due(OriginalPage? kept, Uri url, DateTime now) =>
        kept is null || kept.Url != url.AbsoluteUri
        || (kept.Error is not null && kept.Attempts < MaxAttempts && kept.Status is null or 429 or >= 500 && now - kept.FetchedAt >= RetryAfter);

    private async Task<OriginalPage> FetchAsync(FeedRow feed, string key, Uri url, OriginalPage? kept, FetchLimits limits, DateTime now, CancellationToken ct)
    {
        var page = new OriginalPage { EntryKey = key, Url = url.AbsoluteUri, FetchedAt = now, Attempts = (kept?.Url == url.AbsoluteUri ? kept.Attempts : 0) + 1 };
        try
        {
            // A feed on the internet links its entries where it likes, this network's own addresses
            // included: each link is treated as a redirect from the feed would be (NetworkReach).
            var (refusal, guarded) = await NetworkReach.RedirectAsync(new Uri(feed.Url), url, ct);
            if (refusal is not null)
                return page with { Error = $"the link leads from a feed on the internet into this network ({url.Host}): not fetched" };
            FetchResult fetch;
            using (var turn = await limits.EnterAsync(url.AbsoluteUri, ct))
            {
                fetch = await fetcher.FetchAsync(url, null, null, ct, turn: turn, publicOnly: guarded, accept: FeedFetcher.PageTypes);
                turn.Fetched();
            }
            page = page with { Status = fetch.Status, FinalUrl = fetch.FinalUrl.AbsoluteUri };
            if (fetch.Outcome != FetchOutcome.Ok)
                return page with { Error = fetch.Error ?? $"HTTP {fetch.Status}" };
            if (!IsWebPage(fetch.ContentType))
                return page with { Error = $"not a web page ({fetch.ContentType})" };
            return page with { ContentType = fetch.ContentType, Charset = fetch.Charset, Body = fetch.Gzipped ?? FeedBodies.Gzip(fetch.Body!) };
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            logger.LogError(e, "Fetching {Url}, the page of an entry of {FeedUrl}, failed unexpectedly", url, feed.Url);
            return page with { Error = $"unexpected error while fetching ({e.GetType().Name}: {e.Message})" };
        }
    }

    /// <summary>HTML, or no type said: a PDF or an image behind the link is no article to read.</summary>
    private static bool IsWebPage(string? contentType) =>
        contentType is null || contentType.Contains("html", StringComparison.OrdinalIgnoreCase);
}
