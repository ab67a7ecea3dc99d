using System.Text;
using System.Xml.Linq;
using static Aggregator.Parsing.Feeds.FeedXml;

namespace Aggregator.Parsing.Feeds;

/// <summary>Atom 0.3 (which Syndication does not read), and the fallback for an Atom 1.0
/// document Syndication refuses. RFC 4287 text constructs; Atom 0.3 content modes.</summary>
public static class AtomReader
{
    /// <param name="zoneLanguage">See RssReader.Read.</param>
    public static ParsedFeed Read(XDocument document, string format, Uri? url, string? zoneLanguage = null)
    {
        var feed = document.Root!;
        var language = FeedXml.Language(feed);
        var dates = language ?? zoneLanguage;
        return new ParsedFeed
        {
            Format = format,
            Title = Construct(feed.FirstOwn("title")),
            Link = AlternateLink(feed, url),
            Language = language,
            Updated = FeedDates.Parse(Text(feed.FirstOwn("updated")) ?? Text(feed.FirstOwn("modified")), dates),
            MinimumInterval = RssReader.Interval(feed),
            Entries = feed.Own("entry").Select(e => Entry(e, url, dates)).ToList(),
        };
    }

    private static ParsedEntry Entry(XElement entry, Uri? url, string? language)
    {
        var content = entry.Own("content").Select(Construct).FirstOrDefault(c => c is not null);
        var id = Text(entry.FirstOwn("id"));
        return new ParsedEntry
        {
            Id = id,
            Title = Construct(entry.FirstOwn("title")),
            // An id that is a web address is the entry's link when it has no other (as feedparser reads it).
            Link = AlternateLink(entry, url) ?? (id is not null && id.StartsWith("http", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(id, UriKind.Absolute, out _) ? id : null),
            Published = FeedDates.Parse(Text(entry.FirstOwn("published")) ?? Text(entry.FirstOwn("issued")), language) ?? ExtensionElements.Published(entry, language),
            Updated = FeedDates.Parse(Text(entry.FirstOwn("updated")) ?? Text(entry.FirstOwn("modified")), language) ?? ExtensionElements.Updated(entry, language),
            Author = Person(entry.FirstOwn("author")) ?? ExtensionElements.Author(entry),
            InheritedAuthor = InheritedAuthor(entry),
            Source = SourceTitle(entry),
            Categories = ExtensionElements.Distinct(entry.Own("category").Select(c => c.Attribute("term")?.Value).OfType<string>()
                .Concat(ExtensionElements.Categories(entry))),
            Summary = Construct(entry.FirstOwn("summary")) ?? (entry.FirstOwn("content") is null ? ExtensionElements.MediaDescription(entry) : null),
            Content = content ?? ExtensionElements.Content(entry),
            Enclosures = EnclosureElements.Of(entry, url),
        };
    }

    /// <summary>RFC 4287 §4.2.1: an entry without an author has its source's authors, else its
    /// feed's (a one-author blog names its author once, for the feed).</summary>
    public static string? InheritedAuthor(XElement entry) =>
        Person(entry.FirstOwn("source")?.FirstOwn("author")) ?? Person(entry.Parent?.FirstOwn("author"));

    /// <summary>The title of the feed an entry was copied from (RFC 4287 §4.2.11), as plain text.</summary>
    public static string? SourceTitle(XElement entry) =>
        Construct(entry.FirstOwn("source")?.FirstOwn("title"))?.Plain is { Length: > 0 } title ? title : null;

    /// <summary>feedparser's form: "name (email)" when both are given.</summary>
    public static string? Person(XElement? person)
    {
        if (person is null) return null;
        var name = Text(person.FirstOwn("name"));
        var email = Text(person.FirstOwn("email"));
        return name is not null && email is not null ? $"{name} ({email})" : name ?? email;
    }

    private static string? AlternateLink(XElement parent, Uri? url)
    {
        var links = parent.Own("link").ToList();
        var alternate = links.FirstOrDefault(l => IsAlternate(l.Attribute("rel")?.Value) && IsHtml(l))
            ?? links.FirstOrDefault(l => IsAlternate(l.Attribute("rel")?.Value));
        // Atom 0.3 feeds in the wild put the address in the element instead of href.
        return alternate is null ? null : Resolve(alternate.Attribute("href")?.Value ?? Text(alternate), alternate, url);
    }

    private static bool IsHtml(XElement link) => (link.Attribute("type")?.Value ?? "text/html") is "text/html" or "application/xhtml+xml";

    /// <summary>RFC 4287 §3.1 text constructs (text, html, xhtml) and Atom 0.3's MIME types
    /// with mode escaped, xml or base64. Content pointing elsewhere (src) has no text here.</summary>
    public static FeedText? Construct(XElement? e)
    {
        if (e is null || e.Attribute("src") is not null) return null;
        var type = (e.Attribute("type")?.Value ?? "text").Trim().ToLowerInvariant();
        var mode = e.Attribute("mode")?.Value.Trim().ToLowerInvariant();
        if (mode == "base64")
        {
            try { return new FeedText(Encoding.UTF8.GetString(Convert.FromBase64String(e.Value.Trim())), Kind(type)); }
            catch (FormatException) { return null; }
        }
        if (type is "xhtml" or "application/xhtml+xml" || (mode == "xml" && type.Contains("html", StringComparison.Ordinal)) || e.HasElements)
        {
            var div = e.Element(Xhtml + "div");
            return new FeedText(InnerXml(div ?? e), TextKind.Html);
        }
        // RFC 4287 §4.1.3.3: a media type that is neither text nor XML is base64-encoded.
        if (!type.StartsWith("text", StringComparison.Ordinal) && type.Contains('/', StringComparison.Ordinal) && !type.EndsWith("xml", StringComparison.Ordinal) && mode is null)
        {
            try { return new FeedText(Encoding.UTF8.GetString(Convert.FromBase64String(e.Value.Trim())), TextKind.Text); }
            catch (FormatException) { return null; }
        }
        return new FeedText(e.Value, Kind(type));
    }

    private static TextKind Kind(string type) => type.Contains("html", StringComparison.Ordinal) ? TextKind.Html : TextKind.Text;
}
