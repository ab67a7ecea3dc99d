using System.Globalization;
using System.Text;
using Aggregator.Storage;

namespace Aggregator.Publishing;

/// <summary>What the river page shows: one page of stories and the filters around them.</summary>
public sealed record RiverView
{
    public required string SiteTitle { get; init; }
    public required Uri BaseUrl { get; init; }
    public required ListingQuery Listing { get; init; }
    public required ItemPage Page { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required IReadOnlyList<string> Languages { get; init; }
    public required IReadOnlyDictionary<DateOnly, int> PerDay { get; init; }
    public required DateOnly Today { get; init; }

    public string? Tag => Listing.Filter.Tag;

    /// <summary>/ or /tags/{tag}/, page n at …/page/n/: paths, so a static export holds the same links.</summary>
    public Uri PageUrl(int page, string? tag, string query) => new(BaseUrl, PathOf(page, tag) + query);

    public static string PathOf(int page, string? tag) =>
        (tag is null ? "" : $"tags/{Uri.EscapeDataString(tag)}/") + (page <= 1 ? "" : $"page/{page}/");
}

/// <summary>The HTML river page: server-rendered, no script, landmarks and headings for screen
/// readers, every text from stored items encoded (titles and excerpts are plain text here; the
/// sanitized HTML bodies only go into feeds).</summary>
public static class RiverPage
{
    public const int ChartDays = 30;

    public static byte[] Render(RiverView view)
    {
        var tag = view.Tag;
        var filter = view.Listing.Filter;
        // Every filter in force is named (a source or a date the form does not show said "All stories").
        var heading = (tag is null ? "All stories" : $"Stories tagged {tag}") + ListingQuery.Describe(filter);
        var feed = new FeedAddress(view.BaseUrl, tag, "atom", view.Listing.QueryString);
        var h = new StringBuilder(64 * 1024);
        string E(string s) => EntryText.Encode(s);

        h.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // The service's Content-Security-Policy, as far as a page can say it of itself
        // (frame-ancestors cannot be said so): `export` writes the page for a static host, which
        // sends no such header. The service's header still says who may frame it, and where a
        // forged Host made the base address, that forms may only go to the page's own origin.
        h.Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"{E(PageEndpoints.ContentSecurityPolicy(view.BaseUrl))}\">\n");
        h.Append($"<title>{E(heading)} · {E(view.SiteTitle)}</title>\n");
        h.Append($"<link rel=\"stylesheet\" href=\"{E(new Uri(view.BaseUrl, "assets/site.css").AbsoluteUri)}\">\n");
        h.Append($"<link rel=\"icon\" type=\"image/png\" href=\"{E(new Uri(view.BaseUrl, "icon.png").AbsoluteUri)}\">\n");
        foreach (var (format, type, name) in Formats)
            h.Append($"<link rel=\"alternate\" type=\"{type}\" title=\"{E(heading)} ({name})\" href=\"{E(feed.PageUrl(1, format).AbsoluteUri)}\">\n");
        h.Append("</head>\n<body>\n<a class=\"skip\" href=\"#stories\">Skip to the stories</a>\n");

        h.Append($"<header>\n<h1><a href=\"{E(view.BaseUrl.AbsoluteUri)}\">{E(view.SiteTitle)}</a></h1>\n");
        h.Append("<p>Korea–China coverage from many outlets and languages, one entry per story.</p>\n</header>\n");

        // Filters: a plain GET form, so they work without script and can be bookmarked.
        h.Append("<nav class=\"filters\" aria-label=\"Filters\">\n");
        h.Append($"<form method=\"get\" action=\"{E(view.BaseUrl.AbsoluteUri)}\">\n");
        h.Append("<label for=\"f-tag\">Tag<select id=\"f-tag\" name=\"tag\">\n<option value=\"\">All tags</option>\n");
        foreach (var t in view.Tags)
            h.Append($"<option value=\"{E(t)}\"{(t == tag ? " selected" : "")}>{E(t)}</option>\n");
        h.Append("</select></label>\n");
        h.Append("<label for=\"f-lang\">Language<select id=\"f-lang\" name=\"lang\">\n<option value=\"\">All languages</option>\n");
        foreach (var l in LanguageChoices(view.Languages, filter.Language))
            h.Append($"<option value=\"{E(l)}\"{(l == filter.Language ? " selected" : "")}>{E(LanguageName(l))}</option>\n");
        h.Append("</select></label>\n");
        h.Append($"<label for=\"f-q\">Words<input id=\"f-q\" name=\"q\" type=\"search\" value=\"{E(filter.Text ?? "")}\"></label>\n");
        // Filters the form has no field for (from a link or a bookmark) are kept when it is sent;
        // "All stories" clears them all.
        if (filter.Source is { } source) h.Append($"<input type=\"hidden\" name=\"source\" value=\"{E(source)}\">\n");
        if (view.Listing.QueryString.Contains("since=", StringComparison.Ordinal) && filter.Since is { } since)
            h.Append($"<input type=\"hidden\" name=\"since\" value=\"{E(since.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}\">\n");
        if (!filter.Collapse) h.Append("<input type=\"hidden\" name=\"collapse\" value=\"false\">\n");
        h.Append("<button type=\"submit\">Show</button>\n");
        if (filter.Source is not null || filter.Since is not null || !filter.Collapse || filter.Language is not null || filter.Text is not null || tag is not null)
            h.Append($"<a href=\"{E(view.BaseUrl.AbsoluteUri)}\">All stories</a>\n");
        h.Append("</form>\n");
        h.Append("<ul class=\"taglist\" aria-label=\"Tags\">\n");
        foreach (var t in view.Tags)
            h.Append($"<li><a href=\"{E(view.PageUrl(1, t, "").AbsoluteUri)}\"{(t == tag ? " aria-current=\"page\"" : "")}>{E(t)}</a></li>\n");
        h.Append("</ul>\n</nav>\n");

        h.Append("<main id=\"stories\">\n");
        h.Append("<section class=\"panel chart\" aria-labelledby=\"coverage\">\n");
        h.Append($"<h2 id=\"coverage\">Coverage: stories per day, last {ChartDays} days (UTC)</h2>\n");
        h.Append(CoverageChart.Svg(view.PerDay, view.Today, ChartDays, tag ?? "tracked"));
        // The chart follows the tag and the language; a search, a source or a date would make it
        // a chart of one listing's few stories, so it is said that it does not follow them.
        if (filter.Text is not null || filter.Source is not null || filter.Since is not null)
            h.Append($"\n<p class=\"note\">The chart counts every {(tag is null ? "" : E(tag) + " ")}story{(filter.Language is { } l ? " in " + E(LanguageName(l)) : "")}, "
                + "not only those this listing's search, source or date picks.</p>");
        h.Append("\n</section>\n");

        h.Append("<section class=\"panel subscribe\" aria-labelledby=\"subscribe\">\n<h2 id=\"subscribe\">Subscribe to this listing</h2>\n<ul>\n");
        foreach (var (format, type, name) in Formats)
            h.Append($"<li><a href=\"{E(feed.PageUrl(1, format).AbsoluteUri)}\" type=\"{type}\">{name}</a></li>\n");
        h.Append($"<li><a href=\"{E(new Uri(view.BaseUrl, "opml").AbsoluteUri)}\">Sources (OPML)</a></li>\n</ul>\n</section>\n");

        var page = view.Page;
        h.Append($"<h2 class=\"listing\" id=\"listing\">{E(heading)}: {page.Total.ToString(CultureInfo.InvariantCulture)} {(page.Total == 1 ? "story" : "stories")}");
        if (page.LastPage > 1) h.Append($", page {page.Page} of {page.LastPage}");
        h.Append("</h2>\n");
        if (page.Items.Count == 0)
            h.Append("<p class=\"empty\">No stories match these filters.</p>\n");
        else
        {
            h.Append("<ol class=\"river\" aria-labelledby=\"listing\">\n");
            foreach (var item in page.Items) Story(h, item, view);
            h.Append("</ol>\n");
        }
        if (page.LastPage > 1)
        {
            h.Append("<nav class=\"pages\" aria-label=\"Pages\">\n");
            h.Append(page.Page > 1 ? $"<a rel=\"prev\" href=\"{E(view.PageUrl(page.Page - 1, tag, view.Listing.QueryString).AbsoluteUri)}\">← Newer stories</a>\n" : "<span></span>\n");
            h.Append(page.Page < page.LastPage ? $"<a rel=\"next\" href=\"{E(view.PageUrl(page.Page + 1, tag, view.Listing.QueryString).AbsoluteUri)}\">Older stories →</a>\n" : "<span></span>\n");
            h.Append("</nav>\n");
        }
        h.Append("</main>\n");
        h.Append($"<footer>\n<p>{E(FeedView.GeneratorName)} · dates in UTC · <a href=\"{E(new Uri(view.BaseUrl, "opml").AbsoluteUri)}\">sources</a></p>\n</footer>\n");
        h.Append("</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(h.ToString());
    }

    private static void Story(StringBuilder h, StoredItem item, RiverView view)
    {
        string E(string s) => EntryText.Encode(s);
        var lang = EntryText.TextAttributes(item.Language);
        var title = EntryText.Title(item);
        h.Append("<li><article>\n");
        h.Append(EntryText.SafeUrl(item.Url) is { } url
            ? $"<h3{lang}><a href=\"{E(url)}\">{E(title)}</a></h3>\n"
            : $"<h3{lang}>{E(title)}</h3>\n");
        var sources = EntryText.Sources(item);
        var source = item.Outlet ?? (sources.Count > 0 ? sources[0] : "");
        var date = item.PublishedAt ?? item.FirstSeenAt;
        h.Append($"<p class=\"meta\"><bdi>{E(EntryText.Line(source))}</bdi> · <time datetime=\"{date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\">{date.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}</time>");
        if (item.PublishedAt is null) h.Append(" (first seen)");
        h.Append($" · {E(LanguageName(item.Language))}</p>\n");
        if (item.Tags.Count > 0)
        {
            h.Append("<ul class=\"tags\" aria-label=\"Tags\">");
            foreach (var t in item.Tags)
                h.Append($"<li><a href=\"{E(view.PageUrl(1, t.Tag, "").AbsoluteUri)}\" title=\"{E(EntryText.Line(t.Explanation))}\">{E(t.Tag)}</a></li>");
            h.Append("</ul>\n");
        }
        h.Append($"<p class=\"excerpt\"{lang}>{(item.TextFrom is { } from ? $"<small>Text from {E(from)}:</small> " : "")}{E(EntryText.Summary(item.Body))}</p>\n");
        if (item.Tags.Count > 0)
        {
            // The reason in the page itself, not only in a tooltip no keyboard, touch screen or
            // screen reader reaches: the words each side was named by and the sentence joining them.
            h.Append("<details class=\"why\"><summary>Why ").Append(E(string.Join(", ", item.Tags.Select(t => t.Tag)))).Append("</summary>\n<ul>");
            foreach (var t in item.Tags)
                h.Append($"<li><b>{E(t.Tag)}</b>: <span dir=\"auto\">{E(EntryText.Line(t.Explanation))}</span></li>");
            h.Append("</ul></details>\n");
        }
        if (EntryText.AlsoReportedByHtml(item) is { } also)
            h.Append($"<p class=\"also\">{also}</p>\n");
        var files = item.Files.Select(f => (File: f, Url: EntryText.SafeUrl(f.Url))).Where(f => f.Url is not null).ToList();
        if (files.Count > 0)
            h.Append("<p class=\"files\">Files: ")
             .AppendJoin(", ", files.Select(f => $"<a href=\"{E(f.Url!)}\">{E(FileLabel(f.File))}</a>"))
             .Append("</p>\n");
        h.Append("</article></li>\n");
    }

    /// <summary>"audio (1.2 MB)", "application/pdf", "file": what a link to an enclosure says.</summary>
    private static string FileLabel(Parsing.Enclosure file)
    {
        var kind = file.Type is { } type ? type.Split('/')[0] is "audio" or "video" or "image" ? type.Split('/')[0] : type : "file";
        return file.Length is { } bytes
            ? string.Create(CultureInfo.InvariantCulture, $"{kind} ({(bytes >= 1_000_000 ? $"{bytes / 1e6:0.#} MB" : $"{Math.Max(1, bytes / 1000)} KB")})")
            : kind;
    }

    private static readonly (string Format, string Type, string Name)[] Formats =
        [("atom", "application/atom+xml", "Atom"), ("rss", "application/rss+xml", "RSS"), ("json", "application/feed+json", "JSON Feed")];

    /// <summary>The languages the filter offers: those stored, with "zh" (either script) before
    /// the first of Chinese's scripts, and the one filtered by even when nothing stored has it, so
    /// that sending the form again keeps the filter rather than dropping it.</summary>
    public static IReadOnlyList<string> LanguageChoices(IReadOnlyList<string> stored, string? filtered)
    {
        var choices = new List<string>();
        foreach (var l in stored)
        {
            if (l.StartsWith("zh-", StringComparison.Ordinal) && !choices.Contains("zh") && !stored.Contains("zh")) choices.Add("zh");
            if (!choices.Contains(l)) choices.Add(l);
        }
        if (filtered is not null && !choices.Contains(filtered)) choices.Add(filtered);
        return choices;
    }

    /// <summary>"ko" → "Korean" (ICU's names); the code itself when unknown.</summary>
    public static string LanguageName(string code)
    {
        if (code is "und" or "") return "Unknown language";
        try
        {
            var name = CultureInfo.GetCultureInfo(code).EnglishName;
            return name.StartsWith("Unknown", StringComparison.Ordinal) ? code : name;
        }
        catch (CultureNotFoundException)
        {
            return code;
        }
    }
}
