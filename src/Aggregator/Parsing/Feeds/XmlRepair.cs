using System.Net;
using System.Text;

namespace Aggregator.Parsing.Feeds;

/// <summary>Repairs the breakage real feeds ship with, before an XML parser sees them: text
/// before the root element, control characters XML forbids, HTML entities no DTD declares
/// (&amp;nbsp; &amp;eacute;) and bare ampersands. Each repair is reported, so the feed is
/// flagged (feedparser's "bozo") while its entries are kept. Well-formed input is returned
/// as it is after one scan.</summary>
public static class XmlRepair
{
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> XmlEntities =
        new HashSet<string>(["amp", "lt", "gt", "quot", "apos"], StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public static (string Text, IReadOnlyList<string> Problems) Repair(string text)
    {
        var problems = new List<string>();

        var start = FirstMarkup(text);
        if (start > 0)
        {
            if (text.AsSpan(0, start).Trim().Length > 0)
                problems.Add($"{start} characters of text before the root element were skipped");
            text = text[start..]; // even whitespace before an XML declaration is an error
        }

        if (text.AsSpan().IndexOfAnyInRange('\x00', '\x08') >= 0 || text.AsSpan().IndexOfAnyInRange('\x0E', '\x1F') >= 0
            || text.AsSpan().IndexOfAny('\x0B', '\x0C', '\uFFFE') >= 0 || text.Contains('\uFFFF'))
        {
            problems.Add("control characters that XML forbids were removed");
            text = string.Concat(text.Where(c => !(c < 0x20 && c is not ('\t' or '\n' or '\r') || c is '\uFFFE' or '\uFFFF')));
        }

        if (text.Contains('&'))
            text = Ampersands(text, problems);
        return (text, problems);
    }

    private static int FirstMarkup(string text)
    {
        for (var i = text.IndexOf('<'); i >= 0 && i + 1 < text.Length; i = text.IndexOf('<', i + 1))
        {
            var c = text[i + 1];
            if (c is '?' or '!' or '_' || char.IsLetter(c)) return i;
        }
        return 0;
    }

    /// <summary>Every ampersand is a character reference, a declared entity, an HTML entity no
    /// DTD declares (replaced by character references), or bare (escaped). CDATA sections are
    /// passed over: nothing in them is an entity.</summary>
    private static string Ampersands(string text, List<string> problems)
    {
        StringBuilder? sb = null;
        var undeclared = new SortedSet<string>(StringComparer.Ordinal);
        var bare = false;
        var copied = 0;
        var i = 0;
        var cdata = text.IndexOf("<![CDATA[", StringComparison.Ordinal);
        while (i < text.Length)
        {
            var amp = text.IndexOf('&', i);
            if (amp < 0) break;
            if (cdata >= 0 && cdata < i)
                cdata = text.IndexOf("<![CDATA[", i, StringComparison.Ordinal); // searched again only once passed
            if (cdata >= 0 && cdata < amp)
            {
                var end = text.IndexOf("]]>", cdata, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 3;
                continue;
            }
            var semicolon = text.IndexOf(';', amp + 1, Math.Min(34, text.Length - amp - 1));
            string? replacement = null;
            if (semicolon > amp + 1 && text[amp + 1] == '#')
            {
                i = semicolon + 1; // a character reference
                continue;
            }
            if (semicolon > amp + 1 && IsName(text.AsSpan(amp + 1, semicolon - amp - 1)))
            {
                // Looked up as a span: the five XML entities are nearly every ampersand, and a
                // string for each was a third of what repairing a well-formed feed allocated.
                if (XmlEntities.Contains(text.AsSpan(amp + 1, semicolon - amp - 1))) { i = semicolon + 1; continue; }
                var name = text.Substring(amp + 1, semicolon - amp - 1);
                undeclared.Add(name);
                var entity = text.Substring(amp, semicolon - amp + 1);
                var decoded = WebUtility.HtmlDecode(entity);
                replacement = decoded == entity ? "&amp;" + name + ";" : References(decoded);
                sb ??= new StringBuilder(text.Length + 64);
                sb.Append(text, copied, amp - copied).Append(replacement);
                copied = i = semicolon + 1;
                continue;
            }
            bare = true;
            sb ??= new StringBuilder(text.Length + 64);
            sb.Append(text, copied, amp - copied).Append("&amp;");
            copied = i = amp + 1;
        }
        if (undeclared.Count > 0)
            problems.Add("undeclared entities " + string.Join(", ", undeclared.Take(5).Select(n => "&" + n + ";")) + (undeclared.Count > 5 ? ", …" : ""));
        if (bare)
            problems.Add("bare ampersands were escaped");
        return sb is null ? text : sb.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool IsName(ReadOnlySpan<char> s)
    {
        if (!char.IsAsciiLetter(s[0])) return false;
        foreach (var c in s)
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        return true;
    }

    private static string References(string s)
    {
        var sb = new StringBuilder();
        foreach (var rune in s.EnumerateRunes())
            sb.Append("&#").Append(rune.Value).Append(';');
        return sb.ToString();
    }
}
