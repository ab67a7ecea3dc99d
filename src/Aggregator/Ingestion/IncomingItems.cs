using Aggregator.Parsing;
using Aggregator.Processing;
using Aggregator.Processing.Stories;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;

namespace Aggregator.Ingestion;

/// <summary>Normalize and hash, then tag: the same for a document and a feed entry, so that an
/// entry carried by several feeds, or equal to a document, is one item.</summary>
public static class IncomingItems
{
    public static IncomingItem From(long sourceId, string entryKey, ParsedDocument article, TopicCatalog topics, string idAuthority)
    {
        article = Storable(article);
        var rules = topics.Current; // tags and their version from the same rules, whatever a reload does meanwhile
        // The comparison form serves both the content hash and the story fingerprint.
        var (title, body) = (TextNormalizer.ForComparison(article.Title), TextNormalizer.ForComparison(article.Body));
        var hash = ContentHash.OfComparable(title, body);
        return new IncomingItem
        {
            SourceId = sourceId,
            EntryKey = entryKey,
            ContentHash = hash,
            EntryId = EntryIds.For(idAuthority, hash),
            Title = article.Title,
            Body = article.Body,
            Language = article.Language,
            Url = article.Url,
            Outlet = article.Outlet,
            Author = article.Author,
            ContentHtml = article.ContentHtml,
            Enclosures = Storage.Enclosures.ToJson(article.Enclosures),
            PublishedAt = article.PublishedAt,
            DatedByUpdate = article.DatedByUpdate,
            Tags = Tagger.Tag(rules.Topics, article.Title, article.Body),
            RulesVersion = rules.Version,
            Story = StoryFingerprint.OfComparable(title, body, article.PublishedAt ?? DateTime.UtcNow),
        };
    }

    /// <summary>The article without characters no store or later stage can take, its texts composed (<see cref="StorableText"/>).</summary>
    private static ParsedDocument Storable(ParsedDocument a)
    {
        var (title, body, author, outlet, url, html) = (StorableText.Composed(a.Title), StorableText.Composed(a.Body), StorableText.ComposedOrNull(a.Author),
            StorableText.ComposedOrNull(a.Outlet), StorableText.CleanOrNull(a.Url), StorableText.CleanOrNull(a.ContentHtml));
        return ReferenceEquals(title, a.Title) && ReferenceEquals(body, a.Body) && ReferenceEquals(author, a.Author)
            && ReferenceEquals(outlet, a.Outlet) && ReferenceEquals(url, a.Url) && ReferenceEquals(html, a.ContentHtml)
            ? a
            : a with { Title = title, Body = body, Author = author, Outlet = outlet, Url = url, ContentHtml = html };
    }
}
