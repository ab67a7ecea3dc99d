using AngleSharp.Dom;
using Ganss.Xss;

namespace Aggregator.Publishing;

/// <summary>A feed entry's HTML as subscribers may see it: an allowlist of text, structure,
/// links, images and media, with every URL absolute and http(s) or mailto. No script, style,
/// event handler, form, object or embed survives, and an iframe only when it points at one of
/// the video players below (readers show embedded videos; nothing else needs a frame).</summary>
public static class ContentSanitizer
{
    /// <summary>The players' hosts and the path their embeds live under: the same hosts also
    /// serve redirects (youtube.com/redirect?q=…) and whole sites, which no frame should show.</summary>
    private static readonly Dictionary<string, string> FramePlayers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["www.youtube.com"] = "/embed/",
        ["www.youtube-nocookie.com"] = "/embed/",
        ["player.vimeo.com"] = "/video/",
    };

    private static bool IsPlayer(string? src) =>
        Uri.TryCreate(src, UriKind.Absolute, out var uri) && uri.Scheme == "https" && uri.IsDefaultPort && uri.UserInfo.Length == 0
        && FramePlayers.TryGetValue(uri.Host, out var path) && uri.AbsolutePath.StartsWith(path, StringComparison.Ordinal);

    private static readonly HtmlSanitizer Sanitizer = Create();

    /// <summary>Sanitized HTML; relative URLs are resolved against <paramref name="baseUrl"/>
    /// (the entry's link), and dropped when there is none to resolve them against.</summary>
    public static string Sanitize(string html, string? baseUrl) =>
        Sanitizer.Sanitize(html, baseUrl is not null && Uri.TryCreate(baseUrl, UriKind.Absolute, out var b) && b.Scheme is "http" or "https" ? b.AbsoluteUri : "");

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
                case "iframe" when !IsPlayer(element.GetAttribute("src")):
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
