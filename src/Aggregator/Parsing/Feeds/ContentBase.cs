using System.Xml.Linq;
using AngleSharp.Html.Parser;

namespace Aggregator.Parsing.Feeds;

/// <summary>xml:base for the HTML inside entries: a relative link or image in an entry's content
/// resolves against the xml:base in scope of the element it came from (RFC 4287 §2, XML Base),
/// which the entry's own link says nothing about. Done once, here, where the bases are known:
/// the HTML is stored with absolute addresses, and publishing has nothing left to guess.
/// Feeds without xml:base (nearly all) are returned as they are.</summary>
public static class ContentBase
{
    private static readonly HashSet<string> UrlAttributes = ["href", "src", "poster", "cite"];

    public static ParsedFeed Apply(string text, XDocument document, ParsedFeed feed, Uri? url)
    {
        if (!text.Contains("xml:base", StringComparison.Ordinal)) return feed;
        var elements = document.Descendants().Where(e => e.Name.LocalName is "item" or "entry").ToList();
        if (elements.Count != feed.Entries.Count) return feed; // entries are not the elements in order: leave them
        return feed with { Entries = feed.Entries.Zip(elements, (entry, element) => WithBase(entry, element, url)).ToList() };
    }

    private static ParsedEntry WithBase(ParsedEntry entry, XElement element, Uri? url) => entry with
    {
        Content = Absolute(entry.Content, Child(element, "content", "encoded") ?? element, url),
        Summary = Absolute(entry.Summary, Child(element, "summary", "description") ?? element, url),
    };

    private static XElement? Child(XElement parent, string first, string second) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == first) ?? parent.Elements().FirstOrDefault(e => e.Name.LocalName == second);

    private static FeedText? Absolute(FeedText? text, XElement from, Uri? url)
    {
        if (text is not { Kind: TextKind.Html } || !text.Value.Contains('=', StringComparison.Ordinal)) return text;
        if (FeedXml.BaseOf(from, url) is not { IsAbsoluteUri: true } baseUri || HtmlBounds.TooComplex(text.Value)) return text;
        var document = new HtmlParser().ParseDocument("<body>" + text.Value);
        var body = document.Body!;
        var changed = false;
        foreach (var element in body.QuerySelectorAll("[href],[src],[poster],[cite]"))
            foreach (var attribute in element.Attributes.Where(a => UrlAttributes.Contains(a.Name)).ToList())
                if (Uri.TryCreate(attribute.Value.Trim(), UriKind.RelativeOrAbsolute, out var reference) && !reference.IsAbsoluteUri
                    && Uri.TryCreate(baseUri, reference, out var resolved))
                {
                    element.SetAttribute(attribute.Name, resolved.AbsoluteUri);
                    changed = true;
                }
        return changed ? text with { Value = body.InnerHtml } : text;
    }
}
