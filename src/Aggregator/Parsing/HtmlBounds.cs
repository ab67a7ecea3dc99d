namespace Aggregator.Parsing;

/// <summary>Whether an entry's HTML is more than any article's markup, told without building it.</summary>
public static class HtmlBounds
{
    /// <summary>Elements nested deeper than any article's markup: the HTML parser's tree building
    /// slows down with depth (100,000 nested divs in one entry took every merged feed over two
    /// minutes to render, and resolving its links against xml:base minutes to read).</summary>
    public const int MaxDepth = 512;

    /// <summary>More tags than any article's markup (a long report with a large table has a few
    /// thousand elements, each a start and an end tag): the HTML library writes a tree back out in
    /// time that grows with the square of an element's children, so 100,000 bold words in one
    /// entry took 12 s per merged feed rendered, paid again for every new address asked (a
    /// security audit's finding). End tags count too: a stray "&lt;/p&gt;" makes an element of its own.</summary>
    public const int MaxTags = 10_000;

    /// <summary>Whether the markup nests deeper than <see cref="MaxDepth"/> or has more than
    /// <see cref="MaxTags"/> tags. Such content is published as its text instead, and its
    /// links are left as they are. Counted by one scan of its tags (comments and the raw text of
    /// scripts and styles skipped): start tags open (except the void ones and those HTML closes
    /// implicitly, which sloppy markup leaves open), end tags close.</summary>
    public static bool TooComplex(string html)
    {
        var depth = 0;
        var tags = 0;
        // Where the next '>' is: found once and reused by the tags before it, so that a run of
        // tags that never close ("<br<br<br…") is one scan, not one scan per tag.
        var nextClose = -1;
        for (var i = html.IndexOf('<'); i >= 0 && i + 1 < html.Length; i = html.IndexOf('<', i + 1))
        {
            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var commentEnd = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                if (commentEnd < 0) break;
                i = commentEnd + 2;
                continue;
            }
            if (html[i + 1] == '/')
            {
                if (++tags > MaxTags) return true;
                if (depth > 0) depth--;
                continue;
            }
            if (!char.IsAsciiLetter(html[i + 1])) continue;
            if (++tags > MaxTags) return true;
            if (RawText(html, i + 1) is { } raw)
            {
                // A script's or style's content is text up to its end tag, whatever "<" it holds.
                var rawEnd = html.IndexOf("</" + raw, i + 1, StringComparison.OrdinalIgnoreCase);
                if (rawEnd < 0) break;
                i = rawEnd + 1;
                continue;
            }
            var end = i + 1;
            while (end < html.Length && char.IsAsciiLetterOrDigit(html[end])) end++;
            if (nextClose != int.MaxValue && nextClose < end)
                nextClose = html.IndexOf('>', end) is var found and >= 0 ? found : int.MaxValue;
            if (nextClose != int.MaxValue && html[nextClose - 1] == '/') continue; // <br/>
            if (Unclosed.Contains(html.AsSpan(i + 1, end - i - 1))) continue;
            if (++depth > MaxDepth) return true;
        }
        return false;
    }

    private static string? RawText(string html, int name) =>
        html.AsSpan(name).StartsWith("script", StringComparison.OrdinalIgnoreCase) ? "script"
        : html.AsSpan(name).StartsWith("style", StringComparison.OrdinalIgnoreCase) ? "style"
        : null;

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Unclosed = new HashSet<string>(
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"],
        StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
}
