using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Aggregator.Storage;

namespace Aggregator.Publishing;

/// <summary>Atom 1.0 (RFC 4287) and RSS 2.0 through System.ServiceModel.Syndication.</summary>
public static class SyndicationWriter
{
    private const string AtomNs = "http://www.w3.org/2005/Atom";
    private const string ContentNs = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XmlQualifiedName XmlLang = new("lang", "http://www.w3.org/XML/1998/namespace");

    public static byte[] Atom(FeedView view)
    {
        var feed = Build(view, "application/atom+xml", rss: false);
        // RFC 4287 §4.2.5: a small square image (the formatter only knows logo, from ImageUrl).
        feed.ElementExtensions.Add(new XElement(XName.Get("icon", AtomNs), view.IconUrl.AbsoluteUri).CreateReader());
        return Write(new Atom10FeedFormatter(feed));
    }

    public static byte[] Rss(FeedView view)
    {
        var feed = Build(view, "application/rss+xml", rss: true);
        // Declared on the root so every item writes <content:encoded>, the prefix readers look for.
        feed.AttributeExtensions.Add(new XmlQualifiedName("content", "http://www.w3.org/2000/xmlns/"), ContentNs);
        return Write(new Rss20FeedFormatter(feed) { SerializeExtensionsAsAtom = true });
    }

    private static SyndicationFeed Build(FeedView view, string selfType, bool rss)
    {
        var feed = new SyndicationFeed
        {
            Title = new TextSyndicationContent(view.Title),
            Id = view.Id,
            LastUpdatedTime = view.Updated,
            Generator = view.Generator,
            ImageUrl = view.IconUrl,
            Items = view.Items.Select(item => Entry(item, view, rss)).ToList(),
        };
        if (!rss) feed.Authors.Add(new SyndicationPerson { Name = view.Publisher });
        var links = view.Links;
        // RSS takes its channel <link> from the alternate link; the rest become atom:link.
        feed.Links.Add(new SyndicationLink(links.Alternate, "alternate", null, "text/html", 0));
        feed.Links.Add(new SyndicationLink(links.Self, "self", null, selfType, 0));
        // RFC 5005 §3: paged feeds.
        feed.Links.Add(new SyndicationLink(links.First, "first", null, selfType, 0));
        feed.Links.Add(new SyndicationLink(links.Last, "last", null, selfType, 0));
        if (links.Previous is { } previous) feed.Links.Add(new SyndicationLink(previous, "previous", null, selfType, 0));
        if (links.Next is { } next) feed.Links.Add(new SyndicationLink(next, "next", null, selfType, 0));
        if (links.Hub is { } hub) feed.Links.Add(new SyndicationLink(hub, "hub", null, null, 0));
        return feed;
    }

    private static SyndicationItem Entry(StoredItem item, FeedView view, bool rss)
    {
        var html = EntryText.Html(item);
        var entry = new SyndicationItem
        {
            Id = item.EntryId,
            Title = new TextSyndicationContent(EntryText.Title(item)),
            // Atom says its summary is text (type="text"); RSS has no such attribute, and readers
            // take <description> as HTML: the text is encoded as HTML there, or a "<script>" a
            // source wrote as text would reach them as markup.
            Summary = new TextSyndicationContent(rss ? EntryText.Encode(EntryText.Summary(item.Body)) : EntryText.Summary(item.Body)),
            LastUpdatedTime = item.UpdatedAt,
        };
        // RSS 2.0 has no content element: the full HTML goes in content:encoded, as readers expect.
        if (rss)
            entry.ElementExtensions.Add(new XElement(XName.Get("encoded", ContentNs), html).CreateReader());
        else
            entry.Content = new TextSyndicationContent(html, TextSyndicationContentKind.Html);
        // RFC 4287 §4.2.9: published is optional; a date the source does not state is left out.
        if (item.PublishedAt is { } published)
            entry.PublishDate = published;
        if (EntryText.SafeUrl(item.Url) is { } url)
            entry.Links.Add(SyndicationLink.CreateAlternateLink(new Uri(url), "text/html"));
        // Atom: link rel="enclosure", each file; RSS 2.0: <enclosure> (Syndication writes one per
        // link), the first only: RSS allows one per item, and readers take the first anyway.
        var files = item.Files.Select(f => (File: f, Url: EntryText.SafeUrl(f.Url))).Where(f => f.Url is not null);
        foreach (var (file, fileUrl) in rss ? files.Take(1) : files)
            entry.Links.Add(SyndicationLink.CreateMediaEnclosureLink(new Uri(fileUrl!), file.Type ?? "application/octet-stream", file.Length ?? 0));
        if (item.Author is { Length: > 0 } author)
            entry.Authors.Add(new SyndicationPerson { Name = EntryText.Line(author) });
        foreach (var tag in item.Tags)
            entry.Categories.Add(new SyndicationCategory(tag.Tag, view.TagSchemeUrl.AbsoluteUri, tag.Tag));
        if (item.Language.Length > 0)
            entry.AttributeExtensions.Add(XmlLang, item.Language);
        if (Provenance(item) is { } source)
            entry.SourceFeed = source;
        return entry;
    }

    /// <summary>RFC 4287 §4.2.11 atom:source, RSS 2.0 &lt;source url&gt;: the feed the entry is
    /// credited to (documents have no feed to point at, so they carry none).</summary>
    private static SyndicationFeed? Provenance(StoredItem item)
    {
        var sighting = EntryText.SourceFeed(item);
        if (sighting is null) return null;
        var source = new SyndicationFeed
        {
            Id = sighting.Locator,
            Title = new TextSyndicationContent(EntryText.Line(sighting.SourceTitle ?? item.Outlet ?? sighting.Locator)),
        };
        source.Links.Add(new SyndicationLink(new Uri(sighting.Locator), "self", null, null, 0));
        return source;
    }

    private static byte[] Write(SyndicationFeedFormatter formatter)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
            formatter.WriteTo(writer);
        return buffer.ToArray();
    }
}
