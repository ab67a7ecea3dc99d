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

    public static ParsedDocument Parse(string html) => Read(html, page: null);

    /// <summary>An article's page fetched from the web (a feed entry's own page): read as a saved
    /// page, and with the article's HTML as its content, links made absolute against
    /// <paramref name="page"/>, when the page marks where the article is or its paragraphs show it.
    /// A saved page's content stays its text: its relative links lead to files beside it on disk.</summary>
    /// <param name="selector">Where the article is, when the page's markup does not say (a CSS
    /// selector a subscriber gave for the feed's pages): every element it matches, in order. A
    /// selector that matches nothing leaves the article to the markup.</param>
    public static ParsedDocument ParsePage(string html, Uri page, string? selector = null) => Read(html, page, selector);

    /// <summary>A CSS selector as <see cref="ParsePage"/> takes it, or why it is not one.</summary>
    public static string? SelectorProblem(string selector)
    {
        try
        {
            new HtmlParser().ParseDocument("").QuerySelectorAll(selector);
            return null;
        }
        catch (DomException e)
        {
            return $"\"{selector}\" is not a CSS selector ({e.Message})";
        }
    }

    private static ParsedDocument Read(string html, Uri? page, string? selector = null)
    {
        var document = new HtmlParser(new HtmlParserOptions { IsScripting = false }).ParseDocument(html);
        var heading = Collapse(document.QuerySelector("article h1, main h1, h1")?.TextContent);
        var title = WithoutSiteName(Collapse(Meta(document, "og:title") ?? Meta(document, "twitter:title")
            ?? (heading.Length > 0 ? heading : null) ?? document.Title), Meta(document, "og:site_name"), heading);

        var root = Selected(document, selector) ?? ArticleRoot(document) ?? document.Body;
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
        var content = page is not null && root != document.Body ? ArticleHtml(root, page, heading) : null;

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
            ContentHtml = content,
        };
    }

    /// <summary>Where the article is: of the elements a page marks as an article, its body or its
    /// main part, the one whose own paragraphs (not those of another such element inside it) say
    /// the most: the story's article, not the main part around it with a dozen teaser cards each
    /// marked as an article (whose headlines, in another script, had made the story's text look
    /// like furniture), nor the first card (which had been read as the story). Else the element
    /// whose own paragraphs say the most (a page of divs). Null when no paragraph says enough (the
    /// whole body is read).</summary>
    private static IElement? ArticleRoot(IDocument document)
    {
        var marked = document.QuerySelectorAll("[itemprop=articleBody], article, main, [role=main]").ToHashSet();
        var paragraphs = document.QuerySelectorAll("p");
        if (marked.Count > 0
            && paragraphs.Select(p => (Owner: p.Ancestors<IElement>().FirstOrDefault(marked.Contains), Prose: Scripts.WordLength(p.TextContent)))
                .Where(p => p.Owner is not null).GroupBy(p => p.Owner!).Select(g => (Element: g.Key, Prose: g.Sum(p => p.Prose))).MaxBy(c => c.Prose) is { Prose: > 0 } best)
            return best.Element;
        var densest = paragraphs.Where(p => p.ParentElement is not null).GroupBy(p => p.ParentElement!)
            .Select(g => (Element: g.Key, Prose: ParagraphText(g))).MaxBy(c => c.Prose);
        // Two or three sentences at least: a lone caption or a footer's line is not the article.
        return densest.Prose >= 30 && densest.Element.LocalName != "body" ? densest.Element : null;
    }

    /// <summary>The elements a subscriber's selector names, outermost only, gathered in one element
    /// in page order; null when it names none (the page's markup decides then).</summary>
    private static IElement? Selected(IDocument document, string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return null;
        var all = document.QuerySelectorAll(selector).ToHashSet();
        var matched = all.Where(e => !e.Ancestors<IElement>().Any(all.Contains)).ToList();
        if (matched.Count is 0) return null;
        if (matched.Count is 1 && matched[0].LocalName != "body") return matched[0];
        var gathered = document.CreateElement("div");
        foreach (var element in matched) gathered.AppendChild(element.Clone(deep: true));
        return gathered;
    }

    /// <summary>How much paragraphs say, in words (a CJK character is half of one, <see cref="Scripts.WordLength"/>).</summary>
    private static double ParagraphText(IEnumerable<IElement> paragraphs) => paragraphs.Sum(p => Scripts.WordLength(p.TextContent));

    /// <summary>The article's HTML as a feed would carry it: without the headline (the item's
    /// title already), every link and image absolute against the page's address; lazily loaded
    /// images get the address they would load. Sanitized when published, as a feed's HTML is.</summary>
    private static string ArticleHtml(IElement root, Uri page, string heading)
    {
        if (root.QuerySelector("h1") is { } h1 && Collapse(h1.TextContent) == heading) h1.Remove();
        foreach (var image in root.QuerySelectorAll("img"))
            if (image.GetAttribute("data-src") is { Length: > 0 } lazy && (image.GetAttribute("src") is not { Length: > 0 } src || src.StartsWith("data:", StringComparison.Ordinal)))
                image.SetAttribute("src", lazy);
        foreach (var element in root.QuerySelectorAll("[href], [src], [srcset]"))
        {
            element.RemoveAttribute("srcset"); // candidates of relative addresses, one per width: the src stands for them
            foreach (var name in new[] { "href", "src" })
                if (element.GetAttribute(name) is { } value && Uri.TryCreate(page, value.Trim(), out var absolute))
                    element.SetAttribute(name, absolute.AbsoluteUri);
        }
        return root.InnerHtml.Trim();
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
