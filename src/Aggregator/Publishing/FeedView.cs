using Aggregator.Storage;

namespace Aggregator.Publishing;

/// <summary>Everything a feed writer needs, independent of format.</summary>
public sealed record FeedView
{
    public required string Title { get; init; }
    /// <summary>A permanent id for the feed: the address of its first page, filters included
    /// (a filtered feed is another feed, RFC 4287 4.2.6).</summary>
    public required string Id { get; init; }
    public required FeedLinks Links { get; init; }
    public required Uri TagSchemeUrl { get; init; }
    public required Uri IconUrl { get; init; }
    public required string Generator { get; init; }
    public required DateTime Updated { get; init; }
    public required IReadOnlyList<StoredItem> Items { get; init; }
    /// <summary>Who publishes the merged feed (Publishing:Title): the Atom feed's author, which
    /// RFC 4287 4.1.1 requires where entries have none of their own.</summary>
    public string Publisher { get; init; } = "Aggregator";

    public static string GeneratorName { get; } = $"Aggregator {typeof(FeedView).Assembly.GetName().Version?.ToString(3)}";

    public static FeedView Of(string title, FeedAddress address, ItemPage page, string? hubUrl) => new()
    {
        Title = EntryText.Line(title),
        Id = address.PageUrl(1).AbsoluteUri,
        Links = FeedLinks.Of(address, page, hubUrl),
        TagSchemeUrl = new Uri(address.BaseUrl, "tags/"),
        IconUrl = new Uri(address.BaseUrl, "icon.png"),
        Generator = GeneratorName,
        // The newest change among the entries, so an unchanged feed keeps its date.
        Updated = page.Items.Count == 0 ? DateTime.UnixEpoch : page.Items.Max(i => i.UpdatedAt),
        Items = page.Items,
    };
}

/// <summary>Where one feed lives: /feeds/all.atom or /feeds/tags/{tag}.atom for page 1,
/// /feeds/all/2.atom or /feeds/tags/{tag}/2.atom after it, with the filters' query string kept.
/// Pages are paths, not ?page=, so a static export (StaticExport) holds the same links.</summary>
public sealed record FeedAddress(Uri BaseUrl, string? Tag, string Format, string Query)
{
    public string Stem => Tag is null ? "feeds/all" : "feeds/tags/" + Uri.EscapeDataString(Tag);

    public Uri PageUrl(int page, string? format = null) =>
        new(BaseUrl, (page <= 1 ? $"{Stem}.{format ?? Format}" : $"{Stem}/{page}.{format ?? Format}") + Query);

    /// <summary>The river page showing the same listing.</summary>
    public Uri HtmlUrl => new(BaseUrl, (Tag is null ? "" : "tags/" + Uri.EscapeDataString(Tag)) + Query);
}

/// <summary>RFC 4287 and RFC 5005 (paged feeds) links of one feed page.</summary>
public sealed record FeedLinks(Uri Self, Uri Alternate, Uri First, Uri Last, Uri? Previous, Uri? Next, Uri? Hub)
{
    public static FeedLinks Of(FeedAddress address, ItemPage page, string? hubUrl) => new(
        Self: address.PageUrl(page.Page),
        Alternate: address.HtmlUrl,
        First: address.PageUrl(1),
        Last: address.PageUrl(page.LastPage),
        Previous: page.Page > 1 ? address.PageUrl(page.Page - 1) : null,
        Next: page.Page < page.LastPage ? address.PageUrl(page.Page + 1) : null,
        Hub: string.IsNullOrEmpty(hubUrl) ? null : new Uri(hubUrl));
}

/// <summary>Derived texts shared by every format and the river page.</summary>
public static class EntryText
{
    /// <summary>Titles longer than this are cut: a hostile or broken feed may send a megabyte.</summary>
    public const int MaxTitle = 300;

    /// <summary>A title as one line: control characters and line breaks become spaces (no header
    /// or markup injection through them), runs of space collapse, the length is capped.</summary>
    public static string Title(StoredItem item) => Cut(Line(item.Title), MaxTitle);

    public static string Line(string text)
    {
        var sb = new System.Text.StringBuilder(Math.Min(text.Length, 4 * MaxTitle));
        var space = false;
        foreach (var c in Clean(text))
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) { space = sb.Length > 0; continue; }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
            if (sb.Length > 4 * MaxTitle) break;
        }
        return sb.ToString();
    }

    /// <summary>The attributes of an element holding an item's own text (its title, its excerpt):
    /// its language, so browsers and mail clients choose Chinese, Japanese or Korean glyphs for Han
    /// characters, and its direction from its first letter, so an Arabic, Persian or Hebrew title
    /// reads right to left in a page that is English around it.</summary>
    public static string TextAttributes(string language) =>
        (language is { Length: 2 or 3 } && language != "und" ? $" lang=\"{Encode(language)}\"" : "") + " dir=\"auto\"";

    /// <summary>The opening of the body, cut at a word boundary.</summary>
    public static string Summary(string body, int max = 280) => Cut(Clean(body.Split("\n\n", 2)[0]), max);

    public static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = text.LastIndexOf(' ', max);
        var end = cut > max / 2 ? cut : max;
        if (char.IsHighSurrogate(text[end - 1])) end--;
        return text[..end] + "…";
    }

    /// <summary>Plain paragraphs as HTML; every character of the source text is encoded.</summary>
    public static string Html(string body) =>
        string.Concat(Clean(body).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(p => "<p>" + Encode(p) + "</p>"));

    /// <summary>The entry's content: the source's HTML through the sanitizer (relative URLs made
    /// absolute), else the body's paragraphs; then the story's other
    /// copies as links ("Also reported by"), and why it carries each tag.</summary>
    public static string Html(StoredItem item)
    {
        // Relative URLs resolve against the entry's link, else the feed that carried it.
        var baseUrl = SafeUrl(item.Url) ?? item.Sightings.Where(s => s.Kind == "feed").Select(s => SafeUrl(s.Locator)).OfType<string>()
            .Select(u => Aggregator.Sources.FeedUrl.WithoutSecrets(new Uri(u)).AbsoluteUri).FirstOrDefault();
        var content = item.ContentHtml is { Length: > 0 } html && !Parsing.HtmlBounds.TooComplex(html) ? SanitizedContent.Of(html, baseUrl) : Html(item.Body);
        if (item.TextFrom is { } from) content = $"<p><small>Text from {Encode(from)}:</small></p>" + content;
        if (AlsoReportedByHtml(item) is { } also) content += "<p>" + also + "</p>";
        // A feed reader shows the content and nothing else of ours: the reason goes with it.
        foreach (var tag in item.Tags)
            content += $"<p><small>Tagged {Encode(tag.Tag)}: <span dir=\"auto\">{Encode(Line(tag.Explanation))}</span></small></p>";
        return content;
    }

    /// <summary>"Also reported by: " and the other copies' outlets, linked when they have a web
    /// address; null when there are none. Shared by the feeds' content and the river page.</summary>
    public static string? AlsoReportedByHtml(StoredItem item)
    {
        var copies = AlsoReportedBy(item);
        if (copies.Count == 0) return null;
        // Each name isolated (<bdi>): an Arabic or Hebrew outlet's name would otherwise take the
        // comma and the next name into its right-to-left run.
        return "Also reported by: " + string.Join(", ", copies.Select(c => SafeUrl(c.Url) is { } url
            ? $"<bdi><a href=\"{Encode(url)}\">{Encode(Line(c.Name))}</a></bdi>"
            : $"<bdi>{Encode(Line(c.Name))}</bdi>"));
    }

    /// <summary>An absolute http(s) URL, else null: javascript:, data: and relative links never reach output.</summary>
    public static string? SafeUrl(string? url) =>
        url is not null && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u.AbsoluteUri : null;

    /// <summary>One entry per reporter other than the one the item is credited to: the other
    /// feeds that carried the very same text (a wire copy run word for word), then the story's
    /// other copies.</summary>
    /// A source is listed once, under the name its story copy gives it where it has one.
    public static IReadOnlyList<StoryCopy> AlsoReportedBy(StoredItem item)
    {
        var credited = Credited(item);
        var named = new HashSet<string>();
        if (item.Outlet is not null) named.Add(item.Outlet);
        if (credited is not null) named.Add(credited.SourceTitle ?? credited.Locator);
        var storyCopies = item.AlsoReportedBy.ToLookup(c => c.Locator);
        var sameText = item.Sightings
            .Where(s => s.Kind == "feed" && s != credited && !storyCopies.Contains(s.Locator))
            .Select(s => new StoryCopy { ItemId = item.Id, Title = item.Title, Url = s.Url, SourceTitle = s.SourceTitle, Locator = s.Locator });
        return sameText.Concat(item.AlsoReportedBy)
            .Where(c => c.Locator != credited?.Locator && !named.Contains(c.Name))
            .DistinctBy(c => c.Locator)
            .DistinctBy(c => c.Name)
            .ToList();
    }

    /// <summary>The feed the item is credited to, for provenance (atom:source, source_feed): the
    /// credited sighting when a feed carried it, else the first feed that did.</summary>
    public static StoredSighting? SourceFeed(StoredItem item) =>
        Credited(item) is { Kind: "feed" } credited && Publishable(credited.Locator) ? credited
            : item.Sightings.FirstOrDefault(s => s.Kind == "feed" && Publishable(s.Locator));

    /// <summary>A feed address that may be published: http(s), and no key or token in it.</summary>
    private static bool Publishable(string locator) => SafeUrl(locator) is not null && !Aggregator.Sources.FeedUrl.CarriesSecret(locator);

    /// <summary>The sighting the item is credited to: the one whose link it shows, else the first.</summary>
    public static StoredSighting? Credited(StoredItem item) =>
        item.Sightings.FirstOrDefault(s => s.Url is not null && s.Url == item.Url) ?? item.Sightings.OrderBy(s => s.FirstSeenAt).FirstOrDefault();

    /// <summary>Escapes the five characters that matter in HTML text and attributes, leaving
    /// the rest of Unicode as it is (WebUtility would turn every "ö" into "&amp;#246;").</summary>
    public static string Encode(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    /// <summary>Who carried the item: outlets and source titles, for "also reported by".</summary>
    public static IReadOnlyList<string> Sources(StoredItem item) =>
        item.Sightings.Select(s => s.SourceTitle ?? Aggregator.Sources.FeedUrl.Shown(s.Locator)).Distinct().ToList();

    /// <summary>The text without characters XML 1.0 forbids (C0 controls other than tab and
    /// line breaks, U+FFFE/U+FFFF, lone surrogates): XmlWriter would refuse the whole feed.</summary>
    public static string Clean(string text)
    {
        var i = 0;
        while (i < text.Length && Allowed(text, i)) i += char.IsHighSurrogate(text[i]) ? 2 : 1;
        if (i >= text.Length) return text;
        var sb = new System.Text.StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            if (!Allowed(text, i)) continue;
            sb.Append(text[i]);
            if (char.IsHighSurrogate(text[i])) sb.Append(text[++i]);
        }
        return sb.ToString();
    }

    private static bool Allowed(string text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c)) return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        if (char.IsLowSurrogate(c)) return false;
        return c is '\t' or '\n' or '\r' || (c >= ' ' && c != '\uFFFE' && c != '\uFFFF');
    }
}
