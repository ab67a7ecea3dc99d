using System.Xml;
using System.Xml.Linq;
using AngleSharp.Html.Parser;

namespace Aggregator.Parsing.Feeds;

/// <summary>Any feed body to one record: decode, repair, load without DTDs, recognize the
/// format by its root, and hand it to the reader for that format. An HTML page is "not a
/// feed", with the feeds it advertises.</summary>
public static partial class FeedParser
{
    public static FeedParseResult Parse(byte[] body, Uri? url = null, string? httpCharset = null, string? overrideEncoding = null)
    {
        var result = Parse(FeedDecoder.Decode(body, httpCharset, overrideEncoding), url);
        // A wrong override is the likeliest cause of a feed that reads as nothing: say it was used.
        return result.Feed is null && overrideEncoding is not null && result.Error is { } error
            ? result with { Error = $"{error} (read with the feed's encoding override, {overrideEncoding}; `aggregator feeds edit URL --encoding \"\"` removes it)" }
            : result;
    }

    private static FeedParseResult Parse(FeedDecoder.Decoded decoded, Uri? url)
    {
        var text = decoded.Text;
        var start = text.AsSpan().TrimStart();
        if (start.IsEmpty)
            return FeedParseResult.Failed("the document is empty");
        if (start[0] is '{' or '[')
        {
            // What decoding had to work around is said for JSON as for XML: a JSON Feed in CP949
            // was read as windows-1252 and stored as mojibake with no warning.
            var read = JsonFeedReader.Read(text, url);
            if (read.Feed is { Language: null } json0 && ZoneLanguage(json0) is { } jsonZone) read = JsonFeedReader.Read(text, url, jsonZone);
            return read.Feed is { } json && decoded.Problem is { } problem ? read with { Feed = json with { Problems = [problem, .. json.Problems] } } : read;
        }
        if (LooksLikeHtml(start))
            return NotAFeed(text, url);
        if (start[0] != '<' && !start.Contains('<'))
            // An error page or a message in plain text ("Service Unavailable", "Access denied"):
            // what it says is the useful part.
            return FeedParseResult.Failed($"not a feed: plain text, not XML or JSON (it begins \"{Beginning(start)}\")");

        var (repairedText, repairProblems) = XmlRepair.Repair(text);
        var chosen = Attempt.Load(repairedText, null, []);
        Attempt? retry = null;
        if (chosen.Truncated is not null)
        {
            // Broken: a bare "<" in text ("a < b"), unescaped HTML with a tag left open or closed
            // twice, and prefixes used without a declaration are the commonest causes, and undoing
            // them gets the rest back.
            var (escaped, anyEscaped) = RetryRepairs.EscapeStrayAngles(repairedText);
            var (balanced, repairs) = RetryRepairs.BalanceTags(escaped);
            var prefixes = RetryRepairs.UndeclaredPrefixes(balanced);
            if (anyEscaped || repairs != RetryRepairs.TagRepairs.None || prefixes.Count > 0)
            {
                retry = Attempt.Load(balanced, prefixes, [
                    .. anyEscaped ? ["a bare < that starts no markup was escaped"] : Array.Empty<string>(),
                    .. repairs != RetryRepairs.TagRepairs.None ? [RetryRepairs.Describe(repairs)] : Array.Empty<string>(),
                    .. prefixes.Count > 0 ? ["namespace prefixes used without a declaration: " + string.Join(", ", prefixes)] : Array.Empty<string>()]);
                if (retry.Document is not null && (chosen.Document is null || retry.Truncated is null || retry.Entries > chosen.Entries))
                    chosen = retry;
            }
        }
        if (chosen.Document is not null && chosen.BrokenAt is not null)
        {
            // Still broken somewhere no repair reaches: the entries after the break are read by
            // cutting out the one it is in, as a forgiving parser skips what it cannot read. On the
            // repaired text when there is one, even if its repairs alone read no more: entries the
            // repairs fix are then not cut for want of them. (Once: each cut reads it all again.)
            if ((retry is { Document: not null, BrokenAt: not null } ? retry : chosen) is var attempt && attempt.Document is not null && attempt.BrokenAt is not null)
            {
                var salvaged = EntrySalvage.CutBrokenEntries(attempt.Text, attempt.Document, attempt.Truncated!, attempt.BrokenAt.Value, attempt.Prefixes);
                var entries = Entries(salvaged.Document);
                if (salvaged.Cut.Count > 0 && (entries > chosen.Entries || entries == chosen.Entries && salvaged.Problem is null && chosen.Truncated is not null))
                    chosen = attempt with
                    {
                        Text = salvaged.Text,
                        Document = salvaged.Document,
                        Truncated = salvaged.Problem,
                        LeftOut = salvaged.LeftOut ?? attempt.LeftOut,
                        BrokenAt = null,
                        Entries = entries,
                        Repairs = [.. attempt.Repairs, EntrySalvage.Describe(salvaged.Cut)],
                    };
            }
        }
        var (repaired, document, truncated, leftOut) = (chosen.Text, chosen.Document, chosen.Truncated, chosen.LeftOut);
        IReadOnlyList<string> problems = [.. repairProblems, .. chosen.Repairs];
        if (document is null)
            return FeedParseResult.Failed(truncated!);
        IReadOnlyList<string> allProblems = [.. new[] { decoded.Problem }.OfType<string>(), .. problems, .. new[] { leftOut, truncated }.OfType<string>()];
        var feed = Read(document, url, null);
        if (feed is { Language: null } && ZoneLanguage(feed) is { } zone) feed = Read(document, url, zone);

        if (feed is null)
            return document.Root?.Name.LocalName.ToLowerInvariant() is "html" or "head" or "body"
                ? NotAFeed(text, url)
                : FeedParseResult.Failed($"not a feed: the root element is <{document.Root?.Name.LocalName}>");
        // Repairs that read the document whole but left none of the entries it has (a title closed
        // as </titl> before the first item swallows the rest): as broken as one cut before them,
        // and said so, instead of a healthy feed that never has items.
        string[] lost = [];
        if (truncated is null && feed.Entries.Count == 0 && problems.Count > 0 && EntryTag().IsMatch(NotMarkup().Replace(text, "")))
            truncated = (lost = ["the document has entries, but markup broken before them left none readable"])[0];
        return FeedParseResult.Of(ContentBase.Apply(repaired, document, feed, url) with { Problems = [.. allProblems, .. feed.Problems, .. lost], BrokenAt = truncated });
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")]
    private static partial System.Text.RegularExpressions.Regex EntryTag();

    /// <summary>Comments and CDATA sections: an &lt;item&gt; inside them is text, not an entry.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"<!--.*?-->|<!\[CDATA\[.*?\]\]>", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex NotMarkup();

    private static string Beginning(ReadOnlySpan<char> text)
    {
        var line = text[..Math.Min(text.Length, 80)].ToString().ReplaceLineEndings(" ").Trim();
        return text.Length > 80 ? line + "…" : line;
    }

    private static int Entries(XDocument document) =>
        document.Descendants().Count(e => e.Name.LocalName is "item" or "entry");

    /// <summary>One reading of a document's text: what it read, where it broke (if it did), and
    /// the repairs that made the text.</summary>
    private sealed record Attempt(string Text, XDocument? Document, string? Truncated, string? LeftOut, (int Line, int Position)? BrokenAt,
        IReadOnlyList<string>? Prefixes, IReadOnlyList<string> Repairs, int Entries)
    {
        public static Attempt Load(string text, IReadOnlyList<string>? prefixes, IReadOnlyList<string> repairs)
        {
            try
            {
                var (document, truncated) = FeedXml.Load(text, prefixes, out var leftOut, out var brokenAt);
                return new(text, document, truncated, leftOut, brokenAt, prefixes, repairs, FeedParser.Entries(document));
            }
            catch (XmlException e)
            {
                return new(text, null, $"not well-formed XML at line {e.LineNumber}, position {e.LinePosition}: {e.Message}", null, null, prefixes, repairs, 0);
            }
        }
    }

    /// <summary>For a feed that declares no language (many Chinese and Korean outlets' do not):
    /// the language whose zone its times without a zone are in, by the script its text is written
    /// in. "2025-09-05 15:20:00" from a Chinese outlet is Beijing time, not UTC: read as UTC, its
    /// stories sat eight hours out of place and disagreed with the same story's other copies.
    /// Korean and Japanese are UTC+9, Chinese UTC+8: the language most of its entries with any text
    /// are written in, from their decoded text (character references and JSON escapes count). An
    /// entry with Hangul is Korean and one with Kana Japanese, however much Latin it mixes in (a
    /// developer's blog, a K-pop chart); one is Chinese when its text is mostly Han. An English
    /// feed quoting 一带一路 stays UTC.</summary>
    internal static string? ZoneLanguage(ParsedFeed feed)
    {
        var (ko, ja, zh, read) = (0, 0, 0, 0);
        foreach (var entry in feed.Entries.Take(20))
        {
            var (title, body) = (entry.Title?.Plain ?? "", (entry.Content ?? entry.Summary)?.Plain ?? "");
            if (body.Length > 600) body = body[..600];
            if (string.IsNullOrWhiteSpace(title) && string.IsNullOrWhiteSpace(body)) continue;
            read++;
            var (hangul, kana) = (0, 0);
            foreach (var c in title.Concat(body))
                if (c is >= '\uAC00' and <= '\uD7A3') hangul++;
                else if (c is >= '\u3041' and <= '\u30FA') kana++;
            if (hangul >= 2) ko++;
            else if (kana >= 2) ja++;
            else if (LanguageDetector.Detect(title, body).StartsWith("zh", StringComparison.Ordinal)) zh++;
        }
        return read == 0 ? null : 2 * ko > read ? "ko" : 2 * ja > read ? "ja" : 2 * zh > read ? "zh" : null;
    }

    private static ParsedFeed? Read(XDocument document, Uri? url, string? zoneLanguage)
    {
        var root = document.Root!;
        if (RssNames.IsRss(root))
        {
            RssNames.Normalize(document);
            root = document.Root!;
        }
        var ns = root.Name.Namespace;
        switch (root.Name.LocalName)
        {
            case "rss":
                var version = root.Attribute("version")?.Value.Trim() ?? "";
                if (version is "2.0" or "" or "2" or "2.0.1" or "2.01")
                    return SyndicationReader.TryRead(document, atom: false, url, out _, zoneLanguage) ?? RssReader.Read(document, "rss20", url, zoneLanguage);
                return RssReader.Read(document, "rss" + version.Replace(".", "", StringComparison.Ordinal), url, zoneLanguage);
            case "RDF":
                return RssReader.Read(document, root.Elements().Any(e => e.Name.Namespace == FeedXml.Rss090) ? "rss090" : "rss10", url, zoneLanguage);
            case "channel":
                return RssReader.Read(new XDocument(new XElement("rss", root)), "rss", url, zoneLanguage);
            case "feed" when ns == FeedXml.Atom10:
                return SyndicationReader.TryRead(document, atom: true, url, out _, zoneLanguage) ?? AtomReader.Read(document, "atom10", url, zoneLanguage);
            case "feed":
                return AtomReader.Read(document, root.Attribute("version")?.Value == "0.3" || ns == FeedXml.Atom03 ? "atom03" : "atom", url, zoneLanguage);
            default:
                return null;
        }
    }

    /// <summary>A web page, by its first markup: a doctype or &lt;html&gt;, or a page that starts
    /// with what only goes in a page's head (&lt;meta charset&gt;, as some CMS fragments do).</summary>
    private static bool LooksLikeHtml(ReadOnlySpan<char> start) =>
        start.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
        || start.StartsWith("<head", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<meta", StringComparison.OrdinalIgnoreCase)
        || start.StartsWith("<body", StringComparison.OrdinalIgnoreCase);

    /// <summary>Media types a page's &lt;link rel="alternate"&gt; gives its feeds (parameters such as
    /// "; charset=utf-8" aside); Korean and Chinese CMSs often say text/xml.</summary>
    private static readonly HashSet<string> FeedTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml", "application/json", "text/xml", "application/xml",
    };

    /// <summary>"Not a feed", naming the feeds the page advertises with &lt;link rel="alternate"&gt;
    /// (or rel="feed"), resolved against the page's &lt;base href&gt; and address.</summary>
    private static FeedParseResult NotAFeed(string html, Uri? url)
    {
        var document = new HtmlParser().ParseDocument(html);
        var baseUrl = url is not null && document.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref && Uri.TryCreate(url, baseHref.Trim(), out var b) ? b : url;
        var alternates = document.QuerySelectorAll("link[rel][href]")
            .Where(l => l.GetAttribute("rel")!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(r => r.Equals("alternate", StringComparison.OrdinalIgnoreCase) || r.Equals("feed", StringComparison.OrdinalIgnoreCase)))
            .Where(l => (l.GetAttribute("type")?.Split(';')[0].Trim() ?? "") is var type
                && (FeedTypes.Contains(type) || type.Length == 0 && l.GetAttribute("rel")!.Contains("feed", StringComparison.OrdinalIgnoreCase)))
            .Select(l => l.GetAttribute("href")!.Trim())
            .Where(h => h.Length > 0 && !h.Contains("/wp-json/", StringComparison.Ordinal)) // WordPress's REST API links are JSON, not feeds
            .Select(h => baseUrl is not null && Uri.TryCreate(baseUrl, h, out var abs) ? abs.AbsoluteUri : h)
            .Distinct()
            .ToList();
        var message = alternates.Count == 0
            ? "not a feed: an HTML page that advertises no feeds"
            : "not a feed: an HTML page that advertises " + string.Join(", ", alternates);
        return new FeedParseResult(null, message, alternates, WebPage: true);
    }
}
