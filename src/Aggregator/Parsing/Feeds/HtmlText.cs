using System.Net;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Feeds;

/// <summary>Plain text from feed HTML, for hashing, tagging and summaries: comments and the
/// contents of script, style and similar elements dropped, tags removed, entities decoded.
/// This never renders anything; publishing sanitizes HTML separately.</summary>
public static partial class HtmlText
{
    public static string ToPlain(string html)
    {
        var text = Comments().Replace(html, "");
        text = Invisible().Replace(text, "");
        text = Tags().Replace(text, "");
        return Collapse(WebUtility.HtmlDecode(text));
    }

    public static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    /// <summary>Paragraph structure kept: block-level tags become blank lines.</summary>
    public static string ToParagraphs(string html)
    {
        var text = Comments().Replace(html, "");
        text = Invisible().Replace(text, "");
        text = BlockBreak().Replace(text, "\n\n");
        text = WebUtility.HtmlDecode(Tags().Replace(text, ""));
        return string.Join("\n\n", text.Split("\n\n").Select(Collapse).Where(p => p.Length > 0));
    }

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"<(script|style|noscript|template|iframe|object|applet|embed)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<[A-Za-z/!?][^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"</?(p|div|br|li|h[1-6]|blockquote|tr|ul|ol|table|pre|section|article|figure)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockBreak();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
