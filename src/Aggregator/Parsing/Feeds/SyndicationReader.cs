using System.ServiceModel.Syndication;
using System.Xml;
using System.Xml.Linq;

namespace Aggregator.Parsing.Feeds;

/// <summary>RSS 2.0 and Atom 1.0 through System.ServiceModel.Syndication, with the lenient date
/// parser plugged in (Syndication itself throws on any date that is not strict RFC 822 or
/// RFC 3339, and only when the property is read). A date it cannot read becomes no date,
/// never a lost entry. Module elements (content:encoded, dc:*) come from the extensions.</summary>
public static class SyndicationReader
{
    /// <summary>Null when Syndication refuses the document; the caller falls back to our reader.</summary>
    /// <param name="zoneLanguage">See RssReader.Read.</param>
    public static ParsedFeed? TryRead(XDocument document, bool atom, Uri? url, out string? refusal, string? zoneLanguage = null)
    {
        refusal = null;
        var language = atom ? FeedXml.Language(document.Root!) : FeedXml.Text(document.Root!.FirstOwn("channel")?.FirstOwn("language"));
        var dates = language ?? zoneLanguage;
        // Extension elements are read from the element itself (ExtensionElements): buffering a copy
        // of each in Syndication cost a quarter of parsing's allocation for nothing.
        SyndicationFeedFormatter formatter = atom
            ? new Atom10FeedFormatter { PreserveElementExtensions = false, PreserveAttributeExtensions = false }
            : new Rss20FeedFormatter { PreserveElementExtensions = false, PreserveAttributeExtensions = false };
        formatter.DateTimeParser = (XmlDateTimeData data, out DateTimeOffset value) =>
        {
            value = FeedDates.Parse(data.DateTimeString, dates) is { } d ? new DateTimeOffset(d, TimeSpan.Zero) : DateTimeOffset.MinValue;
            return true;
        };
        formatter.UriParser = (XmlUriData data, out Uri? uri) =>
        {
            uri = Uri.TryCreate(data.UriString.Trim(), UriKind.RelativeOrAbsolute, out var parsed) ? parsed : new Uri("about:invalid");
            return true;
        };
        if (!atom && !(document.Root!.Attribute("version")?.Value.Trim().StartsWith('2') ?? false))
            // Version-less RSS is read as 2.0, as every reader does; Syndication insists on the
            // attribute. The document is ours (built by the parser), so it may be amended.
            document.Root!.SetAttributeValue("version", "2.0");
        try
        {
            using var reader = document.CreateReader();
            if (!formatter.CanRead(reader))
            {
                refusal = "not the root element Syndication expects";
                return null;
            }
            formatter.ReadFrom(reader);
        }
        catch (Exception e) when (e is XmlException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            refusal = e.Message;
            return null;
        }
        var feed = formatter.Feed;
        var channel = atom ? document.Root! : document.Root!.FirstOwn("channel") ?? document.Root!;
        var entries = atom ? channel.Elements(FeedXml.Atom10 + "entry").ToList() : channel.Own("item").ToList();
        if (entries.Count != feed.Items.Count())
        {
            refusal = "Syndication saw a different number of entries";
            return null;
        }
        return new ParsedFeed
        {
            Format = atom ? "atom10" : "rss20",
            Reader = "syndication",
            // RSS titles are text by the spec and escaped markup in practice, as an entry's are.
            Title = atom || feed.Title?.Text is not { } title ? Text(feed.Title) : new FeedText(title, ExtensionElements.Guess(title)),
            Link = Alternate(feed.Links, feed.BaseUri, url) is var link && (atom || !string.IsNullOrEmpty(link)) ? link : FeedXml.Resolve(RssReader.LinkText(channel), channel, url),
            Language = feed.Language ?? language,
            Updated = Date(feed.LastUpdatedTime) ?? (atom ? null : ExtensionElements.Updated(channel, dates)),
            // sy:updatePeriod is as much Atom's as RSS's (feedparser reads it in both); ttl is RSS's only.
            MinimumInterval = RssReader.Interval(channel),
            Entries = feed.Items.Zip(entries, (item, element) => Entry(item, element, atom, url, dates)).ToList(),
        };
    }

    private static ParsedEntry Entry(SyndicationItem item, XElement element, bool atom, Uri? url, string? language)
    {
        // Syndication reads the RSS elements it knows; the rest (and RSS quirks) come from the
        // element itself, which the own reader interprets the same way.
        var rss = atom ? null : RssReader.Texts(element, url);
        var author = item.Authors.Select(a => atom ? Person(a) : a.Email ?? a.Name).FirstOrDefault(a => !string.IsNullOrWhiteSpace(a));
        return new ParsedEntry
        {
            Id = string.IsNullOrWhiteSpace(item.Id) ? null : item.Id.Trim(),
            Title = atom ? Text(item.Title) : rss!.Title,
            Link = atom ? Alternate(item.Links, item.BaseUri, url) : rss!.Link,
            Published = Date(item.PublishDate) ?? ExtensionElements.Published(element, language),
            Updated = (atom ? Date(item.LastUpdatedTime) : null) ?? ExtensionElements.Updated(element, language),
            Author = author ?? ExtensionElements.Author(element),
            InheritedAuthor = atom ? AtomReader.InheritedAuthor(element) : null,
            Source = atom ? AtomReader.SourceTitle(element) : rss!.Source,
            Categories = atom
                ? ExtensionElements.Distinct(item.Categories.Select(c => c.Name).OfType<string>().Concat(ExtensionElements.Categories(element)))
                : rss!.Categories,
            Summary = atom ? Text(item.Summary) ?? (item.Content is null ? ExtensionElements.MediaDescription(element) : null) : rss!.Summary,
            Content = atom ? Content(item.Content) ?? ExtensionElements.Content(element) : rss!.Content,
            Enclosures = atom ? EnclosureElements.Of(element, url) : rss!.Enclosures,
        };
    }

    private static string? Person(SyndicationPerson p)
    {
        var name = string.IsNullOrWhiteSpace(p.Name) ? null : p.Name.Trim();
        var email = string.IsNullOrWhiteSpace(p.Email) ? null : p.Email.Trim();
        return name is not null && email is not null ? $"{name} ({email})" : name ?? email;
    }

    private static DateTime? Date(DateTimeOffset value) => value == default || value == DateTimeOffset.MinValue ? null : value.UtcDateTime;

    private static FeedText? Text(TextSyndicationContent? content) => content is null ? null
        : new FeedText(content.Type == "xhtml" ? WithoutXhtmlDiv(content.Text ?? "") : content.Text ?? "", content.Type is "html" or "xhtml" ? TextKind.Html : TextKind.Text);

    /// <summary>RFC 4287 §4.1.3.3: the div that wraps xhtml content is not part of it (Syndication
    /// keeps it). Cut from the markup Syndication wrote, not parsed again: parsing each entry's
    /// content a second time doubled what reading a feed allocated.</summary>
    private static string WithoutXhtmlDiv(string xhtml)
    {
        var text = xhtml.AsSpan().Trim();
        if (!text.StartsWith("<div", StringComparison.Ordinal) || !text.EndsWith("</div>", StringComparison.Ordinal)) return xhtml;
        var startTag = text[..(text.IndexOf('>') + 1)];
        return startTag.Contains(FeedXml.Xhtml.NamespaceName, StringComparison.Ordinal) && !startTag.EndsWith("/>", StringComparison.Ordinal)
            ? text[startTag.Length..^"</div>".Length].ToString()
            : xhtml;
    }

    private static FeedText? Content(SyndicationContent? content) => content switch
    {
        TextSyndicationContent text => Text(text),
        XmlSyndicationContent xml when xml.Type.Contains("xml", StringComparison.Ordinal) || xml.Type.Contains("html", StringComparison.Ordinal)
            => new FeedText(FeedXml.InnerXml(XElement.Load(xml.GetReaderAtContent())), TextKind.Html),
        // RFC 4287 §4.1.3.3: any other text/* media type is text, as it is written.
        XmlSyndicationContent other when other.Type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            => new FeedText(XElement.Load(other.GetReaderAtContent()).Value, TextKind.Text),
        _ => null,
    };

    private static string? Alternate(IEnumerable<SyndicationLink> links, Uri? baseUri, Uri? url)
    {
        var list = links.ToList();
        var link = list.FirstOrDefault(l => FeedXml.IsAlternate(l.RelationshipType) && (l.MediaType ?? "text/html") is "text/html" or "application/xhtml+xml")
            ?? list.FirstOrDefault(l => FeedXml.IsAlternate(l.RelationshipType));
        if (link?.Uri is null || link.Uri.OriginalString == "about:invalid") return null;
        if (link.Uri.IsAbsoluteUri) return link.Uri.OriginalString;
        var start = link.BaseUri ?? baseUri;
        var root = start is null ? url : start.IsAbsoluteUri ? start : url is null ? null : new Uri(url, start);
        return root is null ? link.Uri.OriginalString : new Uri(root, link.Uri).ToString();
    }
}
