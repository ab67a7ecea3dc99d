using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;

namespace Aggregator.Publishing;

/// <summary>Atom 1.0 (RFC 4287) and RSS 2.0 through System.ServiceModel.Syndication.</summary>
public static class SyndicationWriter
{
    private static readonly XmlQualifiedName XmlLang = new("lang", "http://www.w3.org/XML/1998/namespace");

    public static byte[] Atom(FeedView view) => Write(new Atom10FeedFormatter(Build(view, "application/atom+xml")));

    public static byte[] Rss(FeedView view) =>
        Write(new Rss20FeedFormatter(Build(view, "application/rss+xml")) { SerializeExtensionsAsAtom = true });

    private static SyndicationFeed Build(FeedView view, string selfType)
    {
        var feed = new SyndicationFeed
        {
            Title = new TextSyndicationContent(view.Title),
            Id = view.SelfUrl.AbsoluteUri,
            LastUpdatedTime = view.Updated,
            Generator = view.Generator,
            Items = view.Items.Select(item => Entry(item, view)).ToList(),
        };
        feed.Links.Add(new SyndicationLink(view.SelfUrl, "self", null, selfType, 0));
        feed.Links.Add(new SyndicationLink(view.HomeUrl, "alternate", null, "text/html", 0));
        return feed;
    }

    private static SyndicationItem Entry(Storage.StoredItem item, FeedView view)
    {
        var entry = new SyndicationItem
        {
            Id = item.EntryId,
            Title = new TextSyndicationContent(item.Title),
            Summary = new TextSyndicationContent(EntryText.Summary(item.Body)),
            Content = new TextSyndicationContent(EntryText.Html(item), TextSyndicationContentKind.Html),
            LastUpdatedTime = item.UpdatedAt,
        };
        // RFC 4287 §4.2.9: published is optional; a date the source does not state is left out.
        if (item.PublishedAt is { } published)
            entry.PublishDate = published;
        if (item.Url is not null && Uri.TryCreate(item.Url, UriKind.Absolute, out var url))
            entry.Links.Add(SyndicationLink.CreateAlternateLink(url, "text/html"));
        if (item.Author is not null)
            entry.Authors.Add(new SyndicationPerson { Name = item.Author });
        foreach (var tag in item.Tags)
            entry.Categories.Add(new SyndicationCategory(tag.Tag, view.TagSchemeUrl.AbsoluteUri, tag.Tag));
        if (item.Language.Length > 0)
            entry.AttributeExtensions.Add(XmlLang, item.Language);
        return entry;
    }

    private static byte[] Write(SyndicationFeedFormatter formatter)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
            formatter.WriteTo(writer);
        return buffer.ToArray();
    }
}
