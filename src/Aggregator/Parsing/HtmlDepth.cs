namespace Aggregator.Parsing;

/// <summary>How deep an entry's HTML nests, told without building it.</summary>
public static class HtmlDepth
{
    /// <summary>Elements nested deeper than any article's markup: the HTML parser's tree building
    /// slows down with depth (100,000 nested divs in one entry took every merged feed over two
    /// minutes to render, and resolving its links against xml:base minutes to read), so such
    /// content is published as its text instead, and its links are left as they are.</summary>
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
}
