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
            // Before an XML declaration nothing may come; before a root without one, what the prolog allows.
            if (IsDeclarationAt(text, start) || !OnlyProlog(text.AsSpan(0, start)))
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

    /// <summary>Whether what comes before the root is what XML allows there: comments, processing
    /// instructions (&lt;?xml-stylesheet?&gt;), a doctype and white space. Skipping those is no
    /// repair, and the feed is not flagged for them (1,719 of the conformance corpus's well-formed
    /// files were, and a feed's `feeds list` line said "recovered" at every poll).</summary>
    private static bool OnlyProlog(ReadOnlySpan<char> head)
    {
        while (true)
        {
            head = head.TrimStart();
            if (head.IsEmpty) return true;
            var end = head.StartsWith("<!--", StringComparison.Ordinal) ? head.IndexOf("-->", StringComparison.Ordinal) + 3
                : IsProcessingInstruction(head) ? head.IndexOf("?>", StringComparison.Ordinal) + 2
                : head.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) ? head.IndexOf('>') + 1
                : 0;
            if (end <= 2) return false; // not markup of the prolog, or not closed
            head = head[end..];
        }
    }

    /// <summary>"&lt;?" and a target that is a name other than "xml" in any capitals (reserved: "&lt;?XML" is no declaration).</summary>
    private static bool IsProcessingInstruction(ReadOnlySpan<char> head)
    {
        if (!head.StartsWith("<?", StringComparison.Ordinal) || head.Length < 3 || !(char.IsLetter(head[2]) || head[2] == '_')) return false;
        var target = head[2..];
        var length = target.IndexOfAny(" \t\r\n?");
        return !(length < 0 ? target : target[..length]).Equals("xml", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsDeclarationAt(string text, int at) =>
        text.AsSpan(at).StartsWith("<?xml", StringComparison.Ordinal) && at + 5 < text.Length && char.IsWhiteSpace(text[at + 5]);

    /// <summary>Where the document starts: its XML declaration, wherever it is (a PHP warning
    /// printed before the feed, "&lt;br /&gt;&lt;b&gt;Warning&lt;/b&gt;: …", puts markup first), else
    /// the first markup. A declaration after a feed's root has started is content (an article
    /// quoting XML in its CDATA), not where the document starts.</summary>
    private static int FirstMarkup(string text)
    {
        var declaration = Declaration(text);
        if (declaration > 0 && !FeedRoots.Any(tag => RootTagAt(text.AsSpan(0, declaration), tag) >= 0)) return declaration;
        if (declaration != 0 && Root(text) is var root and > 0) return root;
        return FirstTag(text);
    }

    /// <summary>The first "&lt;?xml " in the first 64 KB (not "&lt;?xml-stylesheet"), or -1.</summary>
    private static int Declaration(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 64 * 1024));
        for (var from = 0; head[from..].IndexOf("<?xml", StringComparison.Ordinal) is var at and >= 0; from += at + 5)
            if (from + at + 5 < head.Length && char.IsWhiteSpace(head[from + at + 5])) return from + at;
        return -1;
    }

    private static readonly string[] FeedRoots = ["<rss", "<feed", "<rdf:RDF"];

    /// <summary>Where a feed root's start tag (<paramref name="tag"/> then a space, '&gt;' or a line break) is in a text, or -1.</summary>
    private static int RootTagAt(ReadOnlySpan<char> text, string tag) =>
        text.IndexOf(tag, StringComparison.Ordinal) is var at and >= 0 && at + tag.Length < text.Length && text[at + tag.Length] is ' ' or '>' or '\n' or '\r' or '\t' ? at : -1;

    /// <summary>The start tag of a feed's root after junk markup that is not a web page's.</summary>
    private static int Root(string text)
    {
        var first = FirstTag(text);
        var head = text.AsSpan(first, Math.Min(text.Length - first, 64 * 1024));
        if (head.StartsWith("<html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<!doctype", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<rss", StringComparison.Ordinal) || head.StartsWith("<feed", StringComparison.Ordinal) || head.StartsWith("<rdf:RDF", StringComparison.Ordinal))
            return first;
        foreach (var tag in FeedRoots)
            if (RootTagAt(head, tag) is var at and > 0)
                return first + at;
        return first;
    }

    private static int FirstTag(string text)
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
        var forbidden = false;
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
            if (semicolon > amp + 1 && text[amp + 1] == '#' && CharacterReference(text.AsSpan(amp + 2, semicolon - amp - 2)) is { } referenced)
            {
                if (Windows1252.Referenced(referenced) is var meant && meant != referenced)
                {
                    // &#146; written for the windows-1252 byte: the character it stands for there
                    // (well-formed XML, so not a problem to report).
                    sb ??= new StringBuilder(text.Length + 64);
                    sb.Append(text, copied, amp - copied).Append("&#").Append(meant).Append(';');
                    copied = i = semicolon + 1;
                    continue;
                }
                if (IsXmlChar(referenced))
                {
                    i = semicolon + 1; // a character reference
                    continue;
                }
                // &#0; or &#xD800;: a character XML cannot hold, which would stop the parser there.
                forbidden = true;
                sb ??= new StringBuilder(text.Length + 64);
                sb.Append(text, copied, amp - copied);
                copied = i = semicolon + 1;
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
        if (forbidden)
            problems.Add("character references to characters XML forbids were removed");

        return sb is null ? text : sb.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>The code point of "#123" or "#x7B" (given without the # and ;), or null when it is
    /// not one (a "&amp;#039 quote;" without its semicolon is a bare ampersand).</summary>
    private static int? CharacterReference(ReadOnlySpan<char> digits)
    {
        var hex = digits.Length > 0 && digits[0] is 'x' or 'X';
        if (hex) digits = digits[1..];
        if (digits.IsEmpty || digits.Length > 8) return null;
        var value = 0;
        foreach (var c in digits)
        {
            int digit = char.IsAsciiDigit(c) ? c - '0' : hex && char.IsAsciiHexDigit(c) ? (c | 0x20) - 'a' + 10 : -1;
            if (digit < 0) return null;
            value = hex ? value * 16 + digit : value * 10 + digit;
            if (value > 0x10FFFF) return 0; // out of Unicode: forbidden like NUL
        }
        return value;
    }

    /// <summary>XML 1.0 §2.2 Char.</summary>
    private static bool IsXmlChar(int c) =>
        c is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);

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
