using System.Net;
using System.Text;

namespace Aggregator.Parsing.Feeds;

/// <summary>Plain text from feed HTML, for hashing, tagging and summaries: comments and the
/// contents of script, style and similar elements dropped, tags removed, entities decoded.
/// A single forward scan (this runs for every entry of every feed). It never renders anything;
/// publishing sanitizes HTML separately.</summary>
public static class HtmlText
{
    private static readonly HashSet<string> Invisible = new(StringComparer.OrdinalIgnoreCase)
        { "script", "style", "noscript", "template", "iframe", "object", "applet", "embed" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
        {
            "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "ul", "ol", "table", "pre", "section", "article", "figure", "hr",
            "dl", "dt", "dd", "caption", "figcaption", "header", "footer", "aside", "main", "nav", "address", "details", "summary",
        };

    /// <summary>A table's cells: a word apart, or "Seoul</td><td>1,200" read as "Seoul1,200".</summary>
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> CellNames =
        new HashSet<string>(["td", "th"], StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> RawTextNames =
        new HashSet<string>(["script", "style", "iframe", "noscript"], StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The '&gt;' that ends a tag starting at <paramref name="from"/>, past any inside a
    /// quoted attribute value (&lt;img alt="a &gt; b"&gt;); -1 when there is none.</summary>
    private static int TagEnd(string html, int from)
    {
        var gt = html.IndexOf('>', from);
        if (gt < 0 || html.AsSpan(from, gt - from).IndexOfAny('"', '\'') < 0) return gt; // nearly every tag
        char quote = '\0';
        for (var i = from; i < html.Length; i++)
        {
            var c = html[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'' && html.AsSpan(from, i - from).TrimEnd() is [.., '=']) quote = c; // a value's opening quote
            else if (c == '>') return i;
        }
        return gt; // an unbalanced quote: the first '>' after all
    }

    // Looked up by the span of the tag name: a substring per tag was most of this class's allocation.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> InvisibleNames = Invisible.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> BlockNames = Blocks.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Each thread keeps one builder for the passes below: a builder (and its buffer) per
    /// pass per entry was nearly half of what turning a cold cycle's entries into text allocated.</summary>
    [ThreadStatic] private static StringBuilder? _builder;

    private static StringBuilder Rent(int capacity)
    {
        var sb = _builder ?? new StringBuilder(capacity);
        _builder = null;
        sb.Clear();
        sb.EnsureCapacity(capacity);
        return sb;
    }

    private static string Return(StringBuilder sb)
    {
        var text = sb.ToString();
        if (sb.Capacity <= 64 * 1024) _builder = sb; // a huge one goes with its entry
        return text;
    }

    public static string ToPlain(string html) => Collapse(Strip(html, paragraphs: false));

    /// <summary>Paragraph structure kept: block-level tags become blank lines.</summary>
    public static string ToParagraphs(string html) => CollapseParagraphs(Strip(html, paragraphs: true));

    /// <summary>Each paragraph (text between blank lines, "\n\n") collapsed as <see cref="Collapse"/>
    /// does, the empty ones dropped, the rest joined by a blank line; in one pass, since it runs
    /// for every entry of every feed.</summary>
    public static string CollapseParagraphs(string text)
    {
        var sb = Rent(text.Length);
        var paragraphStart = 0; // where the current paragraph's text starts in sb
        var space = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                space = false;
                if (sb.Length > paragraphStart) paragraphStart = sb.Length + 2; // separator written with the next text
                continue;
            }
            if (char.IsWhiteSpace(c)) { space = sb.Length > paragraphStart; continue; }
            if (sb.Length == paragraphStart - 2) sb.Append("\n\n");
            else if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return Return(sb);
    }

    public static string Collapse(string text)
    {
        if (IsCollapsed(text)) return text;
        var sb = Rent(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return Return(sb);
    }

    /// <summary>Already as Collapse leaves it: no whitespace but single spaces between words.</summary>
    private static bool IsCollapsed(string text)
    {
        for (var i = 0; i < text.Length; i++)
            if (char.IsWhiteSpace(text[i]) && (text[i] != ' ' || i == 0 || i == text.Length - 1 || text[i + 1] == ' '))
                return false;
        return true;
    }

    private static string Strip(string html, bool paragraphs)
    {
        if (html.IndexOf('<') < 0 && html.IndexOf('&') < 0) return html;
        var sb = Rent(html.Length);
        var i = 0;
        Dictionary<string, int>? closings = null;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= html.Length) { sb.Append(html, i, html.Length - i); break; }
            sb.Append(html, i, lt - i);
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }
            var next = html[lt + 1];
            if (!(char.IsAsciiLetter(next) || next is '/' or '!' or '?'))
            {
                sb.Append('<');
                i = lt + 1;
                continue;
            }
            var gt = TagEnd(html, lt + 1);
            if (gt < 0) { sb.Append(html, lt, html.Length - lt); break; } // not a tag after all
            var nameStart = next == '/' ? lt + 2 : lt + 1;
            var nameEnd = nameStart;
            while (nameEnd < gt && char.IsAsciiLetterOrDigit(html[nameEnd])) nameEnd++;
            var name = html.AsSpan(nameStart, nameEnd - nameStart);
            i = gt + 1;
            if (next != '/' && InvisibleNames.Contains(name) && html[gt - 1] != '/')
            {
                // A closed element's content is dropped. An unclosed script, style, iframe or
                // noscript runs to the end of the document, as a browser reads it (its content is
                // raw text, not markup); any other unclosed one loses just its tag.
                var close = ClosingTag(html, name, i, ref closings);
                if (close >= 0)
                    i = html.IndexOf('>', close) is var c && c >= 0 ? c + 1 : html.Length;
                else if (RawTextNames.Contains(name))
                    i = html.Length;
            }
            else if (paragraphs && BlockNames.Contains(name))
            {
                sb.Append("\n\n");
            }
            else if (paragraphs && CellNames.Contains(name))
            {
                sb.Append(' ');
            }
        }
        return sb.Length == 0 ? Return(sb) : Windows1252.Remap(WebUtility.HtmlDecode(Return(sb)));
    }

    /// <summary>Where the element's end tag is, from <paramref name="from"/> on; -1 when there is
    /// none. What was found is remembered for the next element of that name: every unclosed
    /// &lt;object&gt; of 80,000 searched the rest of the entry again (4.6 s for one 1 MB entry).</summary>
    private static int ClosingTag(string html, ReadOnlySpan<char> name, int from, ref Dictionary<string, int>? closings)
    {
        closings ??= new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var key = name.ToString();
        // -1 remembered means none from a place at or before this one, so none from here either.
        if (closings.TryGetValue(key, out var known) && (known < 0 || known >= from)) return known;
        var found = html.IndexOf(string.Concat("</", name), from, StringComparison.OrdinalIgnoreCase);
        closings[key] = found;
        return found;
    }
}
