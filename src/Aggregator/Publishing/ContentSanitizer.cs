using AngleSharp.Dom;
using Ganss.Xss;

namespace Aggregator.Publishing;

/// <summary>A feed entry's HTML as subscribers may see it: an allowlist of text, structure,
/// links, images and media, with every URL absolute and http(s) or mailto. No script, style,
/// event handler, form, object or embed survives, and an iframe only when it points at one of
/// the video players below (readers show embedded videos; nothing else needs a frame).</summary>
public static class ContentSanitizer
{
    private static readonly HashSet<string> FrameHosts =
        ["www.youtube.com", "www.youtube-nocookie.com", "player.vimeo.com"];

    private static readonly HtmlSanitizer Sanitizer = Create();

    /// <summary>Sanitized HTML; relative URLs are resolved against <paramref name="baseUrl"/>
    /// (the entry's link), and dropped when there is none to resolve them against.</summary>
    public static string Sanitize(string html, string? baseUrl) =>
        Sanitizer.Sanitize(html, baseUrl is not null && Uri.TryCreate(baseUrl, UriKind.Absolute, out var b) && b.Scheme is "http" or "https" ? b.AbsoluteUri : "");

    /// <summary>Elements nested deeper than any article's markup: the HTML parser's tree building
    /// slows down with depth (100,000 nested divs in one entry took every merged feed over two
    /// minutes to render), so such content is published as its text instead.</summary>
    public const int MaxDepth = 512;

    /// <summary>Whether the markup nests deeper than <see cref="MaxDepth"/>, counted by a scan of
    /// its tags: start tags open (except the void ones and those HTML closes implicitly, which
    /// sloppy markup leaves open), end tags close.</summary>
    public static bool TooDeep(string html)
    {
        var depth = 0;
        for (var i = html.IndexOf('<'); i >= 0 && i + 1 < html.Length; i = html.IndexOf('<', i + 1))
        {
            if (html[i + 1] == '/')
            {
                if (depth > 0) depth--;
                continue;
            }
            if (!char.IsAsciiLetter(html[i + 1])) continue;
            var end = i + 1;
            while (end < html.Length && char.IsAsciiLetterOrDigit(html[end])) end++;
            var close = html.IndexOf('>', end);
            if (close > 0 && html[close - 1] == '/') continue; // <br/>
            if (Unclosed.Contains(html.AsSpan(i + 1, end - i - 1))) continue;
            if (++depth > MaxDepth) return true;
        }
        return false;
    }

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Unclosed = new HashSet<string>(
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"],
        StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl", "dt",
                "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "iframe", "img", "ins", "kbd", "li",
                "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "source", "span", "strong",
                "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
                "audio", "video",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "src", "srcset", "alt", "title", "width", "height", "cite", "datetime", "colspan", "rowspan",
                "lang", "dir", "type", "media", "sizes", "controls", "poster", "loading", "allowfullscreen",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src", "cite", "poster" },
            UriListAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "srcset" },
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedClasses = new HashSet<string>(),
        });
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not IElement element) return;
            switch (element.LocalName)
            {
                case "iframe" when !Uri.TryCreate(element.GetAttribute("src"), UriKind.Absolute, out var src) || src.Scheme != "https" || !FrameHosts.Contains(src.Host):
                    element.Remove();
                    break;
                case "iframe":
                    element.SetAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation");
                    element.SetAttribute("referrerpolicy", "strict-origin-when-cross-origin");
                    break;
                case "a" when element.HasAttribute("href"):
                    // Links leave for other sites: no window.opener for them, no referrer trail.
                    element.SetAttribute("rel", "noopener noreferrer");
                    break;
                case "img":
                    element.SetAttribute("loading", "lazy");
                    break;
            }
        };
        return sanitizer;
    }
}
