using Aggregator.Storage;

namespace Aggregator.Publishing;

/// <summary>Everything a feed writer needs, independent of format.</summary>
public sealed record FeedView
{
    public required string Title { get; init; }
    public required Uri SelfUrl { get; init; }
    public required Uri HomeUrl { get; init; }
    public required Uri TagSchemeUrl { get; init; }
    public required string Generator { get; init; }
    public required DateTime Updated { get; init; }
    public required IReadOnlyList<StoredItem> Items { get; init; }

    public static FeedView Of(string title, Uri baseUrl, string path, IReadOnlyList<StoredItem> items) => new()
    {
        Title = title,
        SelfUrl = new Uri(baseUrl, path),
        HomeUrl = new Uri(baseUrl, "/"),
        TagSchemeUrl = new Uri(baseUrl, "/tags/"),
        Generator = $"Aggregator {typeof(FeedView).Assembly.GetName().Version?.ToString(3)}",
        // The newest change among the entries, so an unchanged feed keeps its date.
        Updated = items.Count == 0 ? DateTime.UnixEpoch : items.Max(i => i.UpdatedAt),
        Items = items,
    };
}

/// <summary>Derived texts shared by every format.</summary>
public static class EntryText
{
    /// <summary>The opening of the body, cut at a word boundary.</summary>
    public static string Summary(string body, int max = 280)
    {
        var firstParagraph = body.Split("\n\n", 2)[0];
        if (firstParagraph.Length <= max) return firstParagraph;
        var cut = firstParagraph.LastIndexOf(' ', max);
        return firstParagraph[..(cut > max / 2 ? cut : max)] + "…";
    }

    /// <summary>Plain paragraphs as HTML; every character of the source text is encoded.</summary>
    public static string Html(string body) =>
        string.Concat(body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(p => "<p>" + Encode(p) + "</p>"));

    /// <summary>The body, then the story's other copies as links ("Also reported by").</summary>
    public static string Html(StoredItem item)
    {
        var copies = AlsoReportedBy(item);
        if (copies.Count == 0) return Html(item.Body);
        var links = copies.Select(c => c.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? $"<a href=\"{Encode(u.AbsoluteUri)}\">{Encode(c.Name)}</a>"
            : Encode(c.Name));
        return Html(item.Body) + "<p>Also reported by: " + string.Join(", ", links) + "</p>";
    }

    /// <summary>One entry per reporter among the other copies, minus the item's own sources.</summary>
    public static IReadOnlyList<StoryCopy> AlsoReportedBy(StoredItem item)
    {
        var own = Sources(item).ToHashSet();
        if (item.Outlet is not null) own.Add(item.Outlet);
        return item.AlsoReportedBy.Where(c => !own.Contains(c.Name)).DistinctBy(c => c.Name).ToList();
    }

    /// <summary>Escapes the five characters that matter in HTML text and attributes, leaving
    /// the rest of Unicode as it is (WebUtility would turn every "ö" into "&amp;#246;").</summary>
    public static string Encode(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    /// <summary>Who carried the item: outlets and source titles, for "also reported by".</summary>
    public static IReadOnlyList<string> Sources(StoredItem item) =>
        item.Sightings.Select(s => s.SourceTitle ?? s.Locator).Distinct().ToList();
}
