using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Aggregator.Storage;

namespace Aggregator.Sources;

/// <summary>OPML 2.0 subscription lists (http://opml.org/spec2.opml), what every feed reader
/// imports and exports. An outline's text is the subscriber's name for a feed, its title the
/// feed's own. Optional per-feed attributes of ours: minPollMinutes, maxPollMinutes,
/// encoding (an override for mislabelled feeds), fetchOriginal="true" (each entry's own page is
/// fetched and its article read), articleSelector (where the article is on those pages, a CSS
/// selector), blockRules and keepRules (which entries are stored) and enabled="false". An outline without an
/// xmlUrl around feeds is a folder; a feed is filed under the nearest one (readers keep one
/// level of folders: Miniflux's categories, newsboat's tags).</summary>
public static class Opml
{
    /// <param name="Problems">One line per outline left out: the file, the line, what was wrong.</param>
    /// <param name="Repeated">Outlines left out because an earlier one lists the same address.</param>
    /// <param name="LeftOut">The addresses of the outlines left out, as subscriptions are keyed
    /// (where they are addresses at all): the list still names those feeds.</param>
    public sealed record OpmlList(IReadOnlyList<FeedSubscription> Feeds, IReadOnlyList<string> Problems, int Repeated, IReadOnlyList<string> LeftOut);

    /// <summary>The feeds a list subscribes to, and what was wrong with the outlines left out: one
    /// bad outline (an address that is not http(s), a bound that is not a number) costs that
    /// feed only, never the rest of the list.</summary>
    /// <exception cref="InvalidDataException">The file is not well-formed XML.</exception>
    public static OpmlList Read(string path)
    {
        XDocument document;
        try
        {
            // Decoded as feeds are (Parsing/Feeds/FeedDecoder): a byte order mark first, valid
            // UTF-8 over a wrong label, and the labels Korean, Chinese and Japanese tools write
            // (cp949, ms949, windows-31j, cp936), which XmlReader's own lookup does not know.
            var text = Parsing.Feeds.FeedDecoder.Decode(File.ReadAllBytes(path)).Text;
            using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException($"{path}: not well-formed OPML at line {e.LineNumber}: {e.Message}", e);
        }
        if (document.Root?.Name.LocalName != "opml")
            throw new InvalidDataException($"{path}: not an OPML file (its root element is <{document.Root?.Name.LocalName}>)");
        var feeds = new List<FeedSubscription>();
        var problems = new List<string>();
        var leftOut = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = 0;
        // By local name: some exporters put OPML in a namespace (xmlns="http://opml.org/spec2")
        // or write xmlURL; the outlines are the same.
        foreach (var outline in document.Descendants().Where(e => e.Name.LocalName == "outline"))
        {
            var url = XmlUrl(outline);
            if (string.IsNullOrEmpty(url))
            {
                // A folder has outlines in it. An outline that says it is a feed and has none
                // (an export that kept only the site's htmlUrl, an empty xmlUrl) is a lost
                // subscription, not a folder: said, not dropped without a word.
                if (!outline.Elements().Any(e => e.Name.LocalName == "outline") && (url is not null || IsFeedType(outline)))
                    problems.Add($"{path}, line {((IXmlLineInfo)outline).LineNumber}: outline \"{outline.Attribute("text")?.Value ?? outline.Attribute("title")?.Value}\" is a feed"
                        + (outline.Attribute("htmlUrl")?.Value is { Length: > 0 } site ? $" with only a web site address ({FeedUrl.Masked(site)})" : "")
                        + " but has no xmlUrl; this feed was left out (`aggregator feeds add` finds a site's feed)");
                continue;
            }
            try
            {
                var feed = Subscription(outline, url);
                if (seen.Add(feed.Url)) feeds.Add(feed);
                else repeated++;
            }
            catch (InvalidDataException e)
            {
                problems.Add($"{path}, line {((IXmlLineInfo)outline).LineNumber}: {e.Message}; this feed was left out");
                if (FeedUrl.Parse(FeedUrl.WithoutFeedScheme(url), out _, out _) is { } normalized) leftOut.Add(normalized);
            }
        }
        return new OpmlList(feeds, problems, repeated, leftOut);
    }

    /// <summary>type="rss" (OPML 2.0), "atom", "feed" or "link": what exporters write on a feed's outline.</summary>
    private static bool IsFeedType(XElement outline) =>
        outline.Attribute("type")?.Value.Trim().ToLowerInvariant() is "rss" or "atom" or "feed" or "link";

    /// <summary>An outline's feed address: xmlUrl, also as xmlURL or xmlurl; null or empty in a folder.</summary>
    private static string? XmlUrl(XElement outline) =>
        outline.Attributes().FirstOrDefault(a => a.Name.LocalName.Equals("xmlUrl", StringComparison.OrdinalIgnoreCase))?.Value.Trim();

    private static FeedSubscription Subscription(XElement outline, string url)
    {
        if (FeedUrl.Parse(FeedUrl.WithoutFeedScheme(url), out var credentials, out var problem) is not { } normalized)
            throw new InvalidDataException($"outline \"{outline.Attribute("text")?.Value}\" has xmlUrl \"{FeedUrl.Masked(url)}\", which {problem}");
        var (text, title) = (Name(outline, "text", url), Name(outline, "title", url));
        var (min, max) = (Minutes(outline, "minPollMinutes"), Minutes(outline, "maxPollMinutes"));
        if (min > max)
            throw new InvalidDataException($"minPollMinutes=\"{min.Value.TotalMinutes}\" is more than maxPollMinutes=\"{max!.Value.TotalMinutes}\" on {FeedUrl.Masked(url)}");
        var encoding = outline.Attribute("encoding")?.Value.Trim() is { Length: > 0 } e ? e : null;
        if (encoding is not null && Parsing.Feeds.FeedDecoder.Resolve(encoding) is null)
            throw new InvalidDataException($"encoding=\"{encoding}\" on {FeedUrl.Masked(url)} is not an encoding this reader knows (euc-kr, gb18030, big5, shift_jis, windows-1252, … as `feeds edit --encoding` takes them)");
        return new FeedSubscription(
            normalized,
            text != title ? text : null,
            // "false" is ours; lists written by hand or by scripts also say 0, no or off.
            outline.Attribute("enabled")?.Value.Trim().ToLowerInvariant() is not ("false" or "0" or "no" or "off"),
            min,
            max,
            encoding,
            title ?? text,
            FolderPath(outline),
            credentials,
            Listed: true,
            FetchOriginal: Flag(outline, "fetchOriginal"),
            ArticleSelector: Selector(outline, url),
            BlockRules: Rules(outline, "blockRules", url),
            KeepRules: Rules(outline, "keepRules", url));
    }

    /// <summary>blockRules, keepRules: a feed's rules for its entries (Processing/EntryRules.cs), one
    /// per line, as `feeds export` writes them (a line break in an attribute is written &amp;#10;).
    /// A line break typed into the attribute is read as a space (XML's attribute normalisation), so
    /// a rule holding another rule's field name after a space is two rules run together: refused,
    /// saying how to separate them, rather than matching neither.</summary>
    private static string? Rules(XElement outline, string attribute, string url)
    {
        var rules = Processing.EntryRules.Lines(outline.Attribute(attribute)?.Value);
        foreach (var rule in rules)
        {
            if (Processing.EntryRule.Problem(rule) is { } problem)
                throw new InvalidDataException($"{attribute} on {FeedUrl.Masked(url)}: {problem}");
            if (Processing.EntryRule.Fields.FirstOrDefault(f => rule.Contains(" " + f + ":", StringComparison.Ordinal)) is { } merged)
                throw new InvalidDataException($"{attribute} on {FeedUrl.Masked(url)}: \"{rule}\" holds a second rule (\"{merged}:\"); "
                    + "separate rules with &#10; (a line break typed inside an attribute is read as a space)");
        }
        return Processing.EntryRules.Stored(rules);
    }

    /// <summary>A yes-or-no attribute: "true" and "false" are ours; lists written by hand or by
    /// scripts also say 1/0, yes/no, on/off. Anything else is a mistake worth naming.</summary>
    private static bool Flag(XElement outline, string attribute) =>
        outline.Attribute(attribute)?.Value.Trim().ToLowerInvariant() switch
        {
            null or "false" or "0" or "no" or "off" => false,
            "true" or "1" or "yes" or "on" => true,
            var other => throw new InvalidDataException($"{attribute}=\"{other}\" on {FeedUrl.Masked(outline.Attribute("xmlUrl")?.Value ?? "")} must be true or false"),
        };

    /// <summary>articleSelector: where the article is on the feed's pages, a CSS selector.</summary>
    private static string? Selector(XElement outline, string url) =>
        outline.Attribute("articleSelector")?.Value.Trim() is { Length: > 0 } selector
            ? Parsing.Documents.HtmlDocumentParser.SelectorProblem(selector) is { } problem
                ? throw new InvalidDataException($"articleSelector on {FeedUrl.Masked(url)}: {problem}")
                : selector
            : null;

    /// <summary>The folders around an outline, outermost first, as a path: "Korea/Politics" and
    /// "China/Politics" (Tiny Tiny RSS and Thunderbird nest folders) stay two folders, as
    /// newsboat reads them, instead of both becoming "Politics".</summary>
    private static string? FolderPath(XElement outline)
    {
        var names = outline.Ancestors().Where(a => a.Name.LocalName == "outline" && string.IsNullOrEmpty(XmlUrl(a)))
            .Select(a => Name(a, "text", "") ?? Name(a, "title", "")).OfType<string>().Reverse().ToList();
        // A slash inside one folder's name ("Korea/China") is not a level: it is kept as U+2215,
        // which looks the same, and written back as a slash.
        return names.Count == 0 ? null : string.Join('/', names.Select(n => n.Replace('/', NameSlash)));
    }

    private const char NameSlash = '\u2215';

    /// <summary>A folder path as given on the command line ("/Korea//Politics/"), as the list keeps
    /// it ("Korea/Politics"): empty levels would be written as nameless folders, which no reader
    /// imports back. Null when nothing is left.</summary>
    public static string? FolderPath(string? given) =>
        given is null ? null
        : string.Join('/', given.Split('/').Select(OneLine).OfType<string>()) is { Length: > 0 } path ? path : null;

    /// <summary>An outline's text is the name a reader shows for the feed, which the subscriber
    /// may have chosen; its title, when there is one, is the feed's own (the convention
    /// listparser describes, and what <see cref="Write"/> does). A name that is only the address
    /// (what a reader writes for a feed it never named) is no name. A name is one line: line
    /// breaks written as &amp;#10; would break every list it is shown in.</summary>
    private static string? Name(XElement outline, string attribute, string url) =>
        OneLine(outline.Attribute(attribute)?.Value) is { } name && name != url ? name : null;

    /// <summary>A name as lists keep it: one line, white space collapsed; null when nothing is left
    /// (also for names typed on the command line).</summary>
    public static string? OneLine(string? name) =>
        name is not null && string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) is { Length: > 0 } line ? line : null;

    public static string Write(IEnumerable<FeedRow> feeds, string title, DateTime? now)
    {
        // Feeds outside any folder first, then each folder's, folders in name order; a folder
        // path ("Korea/Politics") is written as folders inside folders.
        var body = new XElement("body");
        var folders = new Dictionary<string, XElement>(StringComparer.Ordinal);
        XElement Folder(string path)
        {
            if (folders.TryGetValue(path, out var folder)) return folder;
            var slash = path.LastIndexOf('/');
            folders[path] = folder = new XElement("outline", new XAttribute("text", Safe(path[(slash + 1)..].Replace(NameSlash, '/'))));
            (slash < 0 ? body : Folder(path[..slash])).Add(folder);
            return folder;
        }
        var list = feeds.ToList();
        body.Add(list.Where(f => f.Folder is null).Select(Outline));
        foreach (var g in list.Where(f => f.Folder is not null).GroupBy(f => f.Folder!).OrderBy(g => g.Key, StringComparer.Ordinal))
            Folder(g.Key).Add(g.Select(Outline));
        var opml = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("opml", new XAttribute("version", "2.0"),
                new XElement("head", new XElement("title", title), now is { } created ? new XElement("dateCreated", created.ToString("R", CultureInfo.InvariantCulture)) : null),
                body));
        using var writer = new Utf8StringWriter();
        opml.Save(writer);
        return writer.ToString();
    }

    private static XElement Outline(FeedRow f) => new("outline",
        new XAttribute("type", "rss"),
        new XAttribute("text", Safe(f.DisplayTitle ?? f.Url)),
        f.Title is null ? null : new XAttribute("title", Safe(f.Title)),
        new XAttribute("xmlUrl", f.Url),
        f.Enabled ? null : new XAttribute("enabled", "false"),
        f.MinIntervalSeconds is { } min ? new XAttribute("minPollMinutes", min / 60) : null,
        f.MaxIntervalSeconds is { } max ? new XAttribute("maxPollMinutes", max / 60) : null,
        f.EncodingOverride is null ? null : new XAttribute("encoding", f.EncodingOverride),
        f.FetchOriginal ? new XAttribute("fetchOriginal", "true") : null,
        f.ArticleSelector is null ? null : new XAttribute("articleSelector", f.ArticleSelector),
        f.BlockRules is null ? null : new XAttribute("blockRules", f.BlockRules),
        f.KeepRules is null ? null : new XAttribute("keepRules", f.KeepRules));

    /// <summary>A name as XML can carry it: one feed that calls itself "J\0" must not stop the
    /// export of every subscription.</summary>
    private static string Safe(string text) => Processing.StorableText.Clean(text).Replace("\uFFFE", "", StringComparison.Ordinal).Replace("\uFFFF", "", StringComparison.Ordinal);

    /// <summary>A per-feed bound: whole minutes, up to a week, as the configured bounds
    /// (AggregatorOptionsValidator): "maxPollMinutes=5256000" was taken, and that feed was
    /// polled again in ten years.</summary>
    private static TimeSpan? Minutes(XElement outline, string attribute)
    {
        var value = outline.Attribute(attribute)?.Value;
        if (value is null) return null;
        return int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes) && minutes is > 0 and <= Configuration.SchedulingOptions.LongestPollMinutes
            ? TimeSpan.FromMinutes(minutes)
            : throw new InvalidDataException($"{attribute}=\"{value}\" on {FeedUrl.Masked(outline.Attribute("xmlUrl")?.Value ?? "")} must be a whole number of minutes from 1 to {Configuration.SchedulingOptions.LongestPollMinutes} (a week)");
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
