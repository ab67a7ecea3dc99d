using System.Text.RegularExpressions;
using System.Xml.Linq;
using static Aggregator.Parsing.Feeds.FeedXml;

namespace Aggregator.Parsing.Feeds;

/// <summary>Module elements that every XML format may carry: Dublin Core, content:encoded,
/// iTunes, Media RSS. Read the same way whichever reader found the entry.</summary>
public static partial class ExtensionElements
{
    public static string? Author(XElement e) =>
        Text(e.FirstModule(DcFamily, "creator")) ?? Text(e.FirstModule(DcFamily, "author")) ?? Text(e.FirstModule(ItunesFamily, "author"));

    /// <summary>dc:date is a modification date in feedparser's reading (it maps it to "updated").</summary>
    /// <remarks>Medium and Blogger put atom:updated in their RSS items.</remarks>
    public static DateTime? Updated(XElement e, string? language) =>
        FeedDates.Parse(Text(e.FirstModule(DcFamily, "date")) ?? Text(e.FirstModule(DcTermsFamily, "modified")) ?? Text(e.Element(FeedXml.Atom10 + "updated")), language);

    public static DateTime? Published(XElement e, string? language) =>
        FeedDates.Parse(Text(e.FirstModule(DcTermsFamily, "issued")) ?? Text(e.FirstModule(DcTermsFamily, "created")), language);

    public static FeedText? Title(XElement e) =>
        (Text(e.FirstModule(DcFamily, "title")) ?? Text(e.FirstModule(MediaFamily, "title")) ?? Text(e.FirstModule(ItunesFamily, "title"))) is { } t
            ? new FeedText(t, TextKind.Text) : null;

    /// <remarks>Loops over the child nodes in one iterator: an iterator per module lookup was
    /// most of what the categories of an entry allocated.</remarks>
    public static IEnumerable<string> Categories(XElement e)
    {
        for (var node = e.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement x && InModule(x, DcFamily, "subject") && Text(x) is { } s) yield return s;
        for (var node = e.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement x && InModule(x, MediaFamily, "category") && Text(x) is { } m) yield return m;
        foreach (var category in e.Descendants())
            if (category.Name.LocalName == "category" && category.Name.NamespaceName.Contains(ItunesFamily, StringComparison.OrdinalIgnoreCase)
                && category.Attribute("text")?.Value.Trim() is { Length: > 0 } t)
                yield return t;
        for (var node = e.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement x && InModule(x, ItunesFamily, "keywords"))
                foreach (var k in x.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    yield return k;
        for (var node = e.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement x && x.Name.LocalName == "tags" && IsCore(x.Name.Namespace))
                foreach (var k in x.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    yield return k;
    }

    /// <summary>The full content: content:encoded, fullitem, xhtml:body or xhtml:div.</summary>
    public static FeedText? Content(XElement e)
    {
        if ((e.FirstModule(ContentFamily, "encoded") ?? e.FirstOwn("fullitem")) is { } encoded && encoded.Value.Length > 0)
            return new FeedText(encoded.HasElements ? InnerXml(encoded) : encoded.Value, TextKind.Html);
        if ((e.Element(Xhtml + "body") ?? e.Element(Xhtml + "div") ?? e.FirstOwn("body")) is { } body)
            return new FeedText(InnerXml(body), TextKind.Html);
        return null;
    }

    /// <summary>Summary-like elements in document order (description, summary, itunes:summary):
    /// the first is the summary; like feedparser, a later one is taken as the content when
    /// the entry has no other.</summary>
    public static (FeedText? Summary, FeedText? Content) SummaryAndContent(XElement e)
    {
        var summaries = new List<FeedText>(2);
        for (var node = e.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement x && ((x.Name.LocalName is "description" or "summary" or "abstract" && IsCore(x.Name.Namespace)) || InModule(x, ItunesFamily, "summary")))
                summaries.Add(new FeedText(x.HasElements ? InnerXml(x) : x.Value, TextKind.Html));
        var content = Content(e) ?? (summaries.Count > 1 ? summaries[1] : null);
        var dcDescription = Text(e.FirstModule(DcFamily, "description")) is { } d ? new FeedText(d, TextKind.Html) : null;
        return (summaries.FirstOrDefault() ?? dcDescription ?? (content is null ? MediaDescription(e) : null), content);
    }

    /// <summary>Media RSS's description (YouTube's feeds put a video's only text in
    /// media:group/media:description, Mastodon an image's alt text in
    /// media:content/media:description), for an entry that has no other: feedparser reads it as
    /// the summary.</summary>
    public static FeedText? MediaDescription(XElement e)
    {
        var description = e.FirstModule(MediaFamily, "description") ?? e.FirstModule(MediaFamily, "group")?.FirstModule(MediaFamily, "description")
            ?? e.Elements().Where(c => InModule(c, MediaFamily, "content")).Select(c => c.FirstModule(MediaFamily, "description")).FirstOrDefault(d => d is not null);
        return Text(description) is not { } text ? null
            : new FeedText(text, description!.Attribute("type")?.Value.Trim() == "html" ? TextKind.Html : TextKind.Text);
    }

    /// <summary>Order kept, duplicates dropped (feedparser adds a tag once).</summary>
    public static List<string> Distinct(IEnumerable<string> categories) =>
        categories.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>RSS titles are plain text by the spec, but many carry escaped markup; read them
    /// as HTML when they hold an end tag or an entity and every tag is an HTML element's, as
    /// feedparser judges. A title naming a product or a book in angle brackets ("Samsung
    /// unveils &lt;Galaxy Z&gt;", Korean style for titles of works) is text: read as HTML, the
    /// name was dropped as an unknown tag.</summary>
    public static TextKind Guess(string value)
    {
        if (!value.Contains('<'))
            return value.Contains('&') && Entity().IsMatch(value) ? TextKind.Html : TextKind.Text;
        var endTag = false;
        foreach (var tag in Tag().EnumerateMatches(value))
        {
            var span = value.AsSpan(tag.Index + 1, tag.Length - 1);
            if (span[0] == '/') { endTag = true; span = span[1..]; }
            var nameLength = span.IndexOfAnyExcept(NameCharacters);
            if (!HtmlElementNames.Contains(nameLength < 0 ? span : span[..nameLength])) return TextKind.Text;
        }
        return endTag || Entity().IsMatch(value) ? TextKind.Html : TextKind.Text;
    }

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> HtmlElementNames = new HashSet<string>(
    [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "big", "blink", "blockquote", "body", "br",
        "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir",
        "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
        "header", "hgroup", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map", "mark", "marquee",
        "menu", "meta", "meter", "nav", "nobr", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param", "picture", "pre", "progress",
        "q", "rp", "rt", "ruby", "s", "samp", "script", "section", "select", "small", "source", "span", "strike", "strong", "style", "sub", "summary",
        "sup", "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "tt", "u", "ul", "var",
        "video", "wbr",
    ], StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The text directly inside an element, without that of child elements
    /// (&lt;category&gt;Name&lt;image&gt;…&lt;/image&gt;&lt;/category&gt; is "Name").</summary>
    public static string? OwnText(XElement e) =>
        !e.HasElements ? Text(e) // the common case, without turning the text into nodes to walk
        : string.Concat(e.Nodes().OfType<XText>().Select(t => t.Value)).Trim() is { Length: > 0 } t ? t : null;

    [GeneratedRegex(@"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+\d*);")]
    private static partial Regex Entity();
}
