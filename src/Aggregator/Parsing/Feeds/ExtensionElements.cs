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
    public static DateTime? Updated(XElement e, string? language) =>
        FeedDates.Parse(Text(e.FirstModule(DcFamily, "date")) ?? Text(e.FirstModule(DcTermsFamily, "modified")), language);

    public static DateTime? Published(XElement e, string? language) =>
        FeedDates.Parse(Text(e.FirstModule(DcTermsFamily, "issued")) ?? Text(e.FirstModule(DcTermsFamily, "created")), language);

    public static FeedText? Title(XElement e) =>
        (Text(e.FirstModule(DcFamily, "title")) ?? Text(e.FirstModule(MediaFamily, "title"))) is { } t ? new FeedText(t, TextKind.Text) : null;

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
        return (summaries.FirstOrDefault() ?? dcDescription, content);
    }

    /// <summary>Order kept, duplicates dropped (feedparser adds a tag once).</summary>
    public static List<string> Distinct(IEnumerable<string> categories) =>
        categories.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>RSS titles are plain text by the spec, but many carry escaped markup; read
    /// them as HTML when they contain a tag or an entity.</summary>
    public static TextKind Guess(string value) => LooksLikeHtml().IsMatch(value) ? TextKind.Html : TextKind.Text;

    /// <summary>The text directly inside an element, without that of child elements
    /// (&lt;category&gt;Name&lt;image&gt;…&lt;/image&gt;&lt;/category&gt; is "Name").</summary>
    public static string? OwnText(XElement e) =>
        !e.HasElements ? Text(e) // the common case, without turning the text into nodes to walk
        : string.Concat(e.Nodes().OfType<XText>().Select(t => t.Value)).Trim() is { Length: > 0 } t ? t : null;

    [GeneratedRegex(@"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>|&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+\d*);")]
    private static partial Regex LooksLikeHtml();
}
