using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Aggregator.Parsing.Documents;

/// <summary>Saved HTML pages: metadata from what publishers put there for social cards and
/// search engines (og:title, article:published_time, &lt;time&gt;), text from the article's
/// block elements, with navigation, asides and scripts removed by a real HTML parser.</summary>
public static class HtmlDocumentParser
{
    private static readonly string[] Furniture =
        ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "svg", "figure", "figcaption", "button"];

    private static readonly string[] Blocks = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td", "dd", "dt"];

    public static ParsedDocument Parse(string html)
    {
        var document = new HtmlParser(new HtmlParserOptions { IsScripting = false }).ParseDocument(html);
        var heading = Collapse(document.QuerySelector("article h1, main h1, h1")?.TextContent);
        var title = WithoutSiteName(Collapse(Meta(document, "og:title") ?? Meta(document, "twitter:title")
            ?? (heading.Length > 0 ? heading : null) ?? document.Title), Meta(document, "og:site_name"), heading);

        var root = (IElement?)document.QuerySelector("article") ?? document.QuerySelector("main") ?? document.Body;
        if (root is null)
            throw new DocumentFormatException("the HTML page has no body");
        foreach (var element in root.QuerySelectorAll(string.Join(',', Furniture)).ToList())
            element.Remove();
        RemoveStoryLists(root);
        var lines = root.QuerySelectorAll(string.Join(',', Blocks))
            .Where(e => !e.Ancestors<IElement>().Any(a => Blocks.Contains(a.LocalName))) // nested blocks once
            .Select(e => Collapse(e.TextContent))
            .Where(t => t.Length > 0)
            .ToList();
        if (lines.Count == 0)
            lines = root.TextContent.Split('\n').Select(Collapse).Where(t => t.Length > 0).ToList();

        var text = TextDocumentParser.Parse(string.Join("\n\n", lines), string.IsNullOrEmpty(title) ? null : title, listsAfterHeadings: false);
        var published = Meta(document, "article:published_time") ?? Meta(document, "datePublished")
            ?? document.QuerySelector("[itemprop=datePublished]")?.GetAttribute("content")
            ?? document.QuerySelector("time[datetime]")?.GetAttribute("datetime");
        var lang = document.DocumentElement.GetAttribute("lang");
        var language = string.IsNullOrWhiteSpace(lang) ? text.Language : lang.Split('-', '_')[0].ToLowerInvariant();
        return text with
        {
            PublishedAt = (published is null ? null : DateText.Find(published, language)) ?? text.PublishedAt,
            Outlet = Meta(document, "og:site_name") ?? text.Outlet,
            Author = Meta(document, "author") ?? Meta(document, "article:author") ?? text.Author,
            Url = Meta(document, "og:url") ?? document.QuerySelector("link[rel=canonical]")?.GetAttribute("href"),
            Language = language,
        };
    }

    /// <summary>"Related articles", "More from World", "関連ニュース" and the list of other stories'
    /// headlines under it: a list (ul, ol), or paragraphs that are each one link. The markup says
    /// where it ends, so the article's next paragraph stays, however it ends.</summary>
    private static void RemoveStoryLists(IElement root)
    {
        var headings = root.QuerySelectorAll("h2, h3, h4, h5, h6, p, div, span, strong, b")
            .Where(e => Collapse(e.TextContent) is { Length: > 0 and <= 60 } text && LineClassifier.Classify(text, Script.Other) == LineKind.ListHeading)
            .ToList();
        foreach (var heading in headings)
        {
            var after = heading;
            // A heading wrapped alone (<div><h3>Related</h3></div>): the list follows its wrapper.
            while (after.NextElementSibling is null && after.ParentElement is { } parent && parent != root && Collapse(parent.TextContent) == Collapse(heading.TextContent))
                after = parent;
            var next = after.NextElementSibling;
            while (next is not null && (next.LocalName is "ul" or "ol" || IsOneLink(next)))
            {
                var following = next.NextElementSibling;
                next.Remove();
                next = following;
            }
            heading.Remove();
        }
    }

    private static bool IsOneLink(IElement element) =>
        element.LocalName is "p" or "div" or "li" && element.QuerySelectorAll("a").ToList() is [var link] && Collapse(link.TextContent) == Collapse(element.TextContent);

    /// <summary>Separators sites put between a headline and their name, widest first.</summary>
    private static readonly string[] SiteSeparators = [" | ", " ｜ ", "｜", " - ", " – ", " — ", " :: ", " · ", " : ", "_", " |", "| "];

    /// <summary>A page's title without the site's name that many sites add to og:title and
    /// &lt;title&gt; ("… | Yonhap News Agency", "…_新浪新闻", "… - 日本経済新聞"): cut where it is the
    /// name the page gives itself (og:site_name), or where what comes before the separator is the
    /// page's own heading. A title that is all one site's name, or has no such end, is kept.</summary>
    internal static string WithoutSiteName(string title, string? siteName, string? heading)
    {
        // What is left must still be a headline: "China - South Korea" on a site named "South
        // Korea" keeps its title.
        if (!string.IsNullOrWhiteSpace(siteName))
            foreach (var separator in SiteSeparators)
            {
                if (title.Length <= separator.Length + siteName.Length) break;
                if (title.EndsWith(separator + siteName, StringComparison.OrdinalIgnoreCase) && title[..^(separator.Length + siteName.Length)].Trim() is var before
                    && Scripts.WordLength(before) >= 3)
                {
                    title = before;
                    break;
                }
                if (title.StartsWith(siteName + separator, StringComparison.OrdinalIgnoreCase) && title[(siteName.Length + separator.Length)..].Trim() is var after
                    && Scripts.WordLength(after) >= 3)
                {
                    title = after;
                    break;
                }
            }
        // What is left may still carry a section ("…_新闻", "… | World"): the heading says where the
        // headline ends, behind a separator that does not set off a subtitle (" - day two", ": Seoul
        // responds" do) and before a name of a word or two.
        foreach (var separator in SectionSeparators)
            if (!string.IsNullOrEmpty(heading) && Scripts.WordLength(heading) >= 3 && title.StartsWith(heading + separator, StringComparison.Ordinal)
                && Scripts.WordLength(title.AsSpan(heading.Length + separator.Length)) <= 3)
                return heading;
        return title;
    }

    private static readonly string[] SectionSeparators = [" | ", " ｜ ", "｜", "_", " |", "| "];

    private static string? Meta(IDocument document, string name)
    {
        var value = document.QuerySelectorAll("meta")
            .FirstOrDefault(m => string.Equals(m.GetAttribute("property") ?? m.GetAttribute("name") ?? m.GetAttribute("itemprop"), name, StringComparison.OrdinalIgnoreCase))
            ?.GetAttribute("content");
        return string.IsNullOrWhiteSpace(value) ? null : Collapse(value);
    }

    private static string Collapse(string? text) =>
        string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
