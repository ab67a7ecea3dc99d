using System.Text;

namespace Aggregator.Parsing.Feeds;

/// <summary>The repairs tried only once the XML parser has broken on a document (FeedParser
/// retries with them): a bare "&lt;" in text, unescaped HTML whose tags an XML parser refuses,
/// and namespace prefixes used without a declaration. Well-formed feeds never pay for them.</summary>
public static partial class RetryRepairs
{
    /// <summary>Escapes each &lt; that cannot start markup ("a &lt; b", "&lt;3"), outside CDATA
    /// sections and comments. Run only on a document the parser broke on: well-formed feeds do
    /// not pay for the scan.</summary>
    /// <returns>The text, and whether anything was escaped.</returns>
    public static (string Text, bool Changed) EscapeStrayAngles(string text)
    {
        StringBuilder? sb = null;
        var copied = 0;
        for (var i = text.IndexOf('<'); i >= 0; i = text.IndexOf('<', i + 1))
        {
            var rest = text.AsSpan(i);
            if (rest.StartsWith("<![CDATA[", StringComparison.Ordinal) || rest.StartsWith("<!--", StringComparison.Ordinal))
            {
                var end = text.IndexOf(rest[1] == '!' && rest[2] == '[' ? "]]>" : "-->", i, StringComparison.Ordinal);
                if (end < 0) break;
                i = end;
                continue;
            }
            if (rest.Length > 1 && (rest[1] is '/' or '!' or '?')) continue;
            if (rest.Length > 1 && (char.IsLetter(rest[1]) || rest[1] is '_' or ':'))
            {
                // A start tag, unless what follows its name shows it is text: "<john@example.com>",
                // "if a<b then c</p>" (another "<" before the tag's ">").
                var (isTag, resume) = StartsTag(text, i);
                if (isTag)
                {
                    i = resume;
                    continue;
                }
            }
            sb ??= new StringBuilder(text.Length + 64);
            sb.Append(text, copied, i - copied).Append("&lt;");
            copied = i + 1;
        }
        var escaped = sb is null ? text : sb.Append(text, copied, text.Length - copied).ToString();
        var (withoutStrayEnds, anyStrayEnd) = EscapeStrayCdataEnds(escaped);
        return (withoutStrayEnds, sb is not null || anyStrayEnd);
    }

    /// <summary>Whether the "&lt;" at <paramref name="lt"/> starts a tag as far as can be told: a name
    /// of name characters, then a space, "&gt;" or "/", and its "&gt;" before any other "&lt;"
    /// outside a quoted attribute value. Also where to go on from: past what was read, so that
    /// the text is scanned once however it is broken.</summary>
    private static (bool IsTag, int Resume) StartsTag(string text, int lt)
    {
        var j = lt + 1;
        while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] is '_' or ':' or '-' or '.')) j++;
        if (j < text.Length && !(char.IsWhiteSpace(text[j]) || text[j] is '>' or '/')) return (false, lt);
        var attributes = false;
        while (j < text.Length)
        {
            switch (text[j])
            {
                case '>':
                    return (true, j);
                case '<':
                    // Words and no attribute ("a<b then c</p>") are text; a tag with attributes and a
                    // stray "<" among them is still a tag, which BalanceTags rewrites.
                    return attributes ? (true, j - 1) : (false, lt);
                case '=':
                    attributes = true;
                    var v = j + 1;
                    while (v < text.Length && char.IsWhiteSpace(text[v])) v++;
                    if (v < text.Length && text[v] is '"' or '\'')
                    {
                        var close = text.IndexOf(text[v], v + 1);
                        if (close < 0) return (false, lt); // a quote never closed: no tag, or every "<" after it would be skipped
                        j = close + 1;
                        continue;
                    }
                    break;
            }
            j++;
        }
        return (true, text.Length - 1);
    }

    /// <summary>An XML name as far as feeds need: a letter, "_" or ":" first, then letters, digits and "_:-.".</summary>
    private static bool IsName(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] is '_' or ':')) return false;
        foreach (var c in name)
            if (!(char.IsLetterOrDigit(c) || c is '_' or ':' or '-' or '.')) return false;
        return true;
    }

    /// <summary>Escapes "]]&gt;" outside CDATA sections, which XML forbids in text ("[[note]]&gt;").</summary>
    private static (string Text, bool Changed) EscapeStrayCdataEnds(string text)
    {
        StringBuilder? sb = null;
        var copied = 0;
        var cdata = text.IndexOf("<![CDATA[", StringComparison.Ordinal);
        for (var i = 0; i < text.Length;)
        {
            var end = text.IndexOf("]]>", i, StringComparison.Ordinal);
            if (end < 0) break;
            if (cdata >= 0 && cdata < end)
            {
                var closing = text.IndexOf("]]>", cdata + 9, StringComparison.Ordinal);
                if (closing < 0) break;
                i = closing + 3;
                cdata = text.IndexOf("<![CDATA[", i, StringComparison.Ordinal);
                continue;
            }
            sb ??= new StringBuilder(text.Length + 16);
            sb.Append(text, copied, end - copied).Append("]]&gt;");
            copied = i = end + 3;
        }
        return sb is null ? (text, false) : (sb.Append(text, copied, text.Length - copied).ToString(), true);
    }

    /// <summary>HTML elements that never have content; unescaped HTML in a description writes
    /// them as HTML does (&lt;br&gt;, &lt;img src=…&gt;), without the slash XML needs. RSS's own
    /// &lt;link&gt; and &lt;source&gt; are not among them.</summary>
    private static readonly HashSet<string> VoidHtml = new(["br", "hr", "img", "input", "wbr", "area", "col", "embed", "param", "track", "meta"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Rewrites the tags an XML parser stops at the way an HTML parser reads them, for
    /// unescaped HTML in a description or title ("Talks &lt;b&gt;resumed&lt;br&gt;on Monday&lt;/p&gt;"): an end tag
    /// closes the elements left open inside the one it names (&lt;/description&gt; closes the
    /// &lt;b&gt;), an end tag that closes nothing is dropped, an end tag in other capitals than its
    /// start tag takes the start tag's, an HTML void element is closed where it opens, and an
    /// attribute written unquoted, without a value or twice is quoted, given its name as value
    /// or dropped. Without this every entry after the first such tag was lost. Run only on a
    /// document the parser broke on; elements still open at the end are left for the loader,
    /// which drops an unfinished entry.</summary>
    /// <returns>The text, and what was rewritten.</returns>
    public static (string Text, TagRepairs Repairs) BalanceTags(string text)
    {
        var sb = new StringBuilder(text.Length + 256);
        var open = new OpenTags();
        var changed = TagRepairs.None;
        var copied = 0;
        for (var lt = text.IndexOf('<'); lt >= 0 && lt + 1 < text.Length; lt = text.IndexOf('<', lt + 1))
        {
            var rest = text.AsSpan(lt);
            var skipTo = rest.StartsWith("<!--", StringComparison.Ordinal) ? "-->"
                : rest.StartsWith("<![CDATA[", StringComparison.Ordinal) ? "]]>"
                : rest[1] == '?' ? "?>" : rest[1] == '!' ? ">" : null;
            if (skipTo is not null)
            {
                // "<!-->" and "<!--->" are empty comments as HTML reads them (XML has no such thing).
                var emptyComment = rest.StartsWith("<!-->", StringComparison.Ordinal) ? 5 : rest.StartsWith("<!--->", StringComparison.Ordinal) ? 6 : 0;
                if (emptyComment > 0)
                {
                    sb.Append(text, copied, lt - copied);
                    copied = lt + emptyComment;
                    lt = copied - 1;
                    changed |= TagRepairs.Comments;
                    continue;
                }
                var end = text.IndexOf(skipTo, lt + (skipTo == "-->" ? 4 : 2), StringComparison.Ordinal);
                if (end < 0) break;
                // Dropped: a comment with "--" inside ("<!-- old -- text -->", which XML forbids),
                // and a second XML declaration (a template included twice). The parser skips
                // comments anyway, and the first declaration has been read.
                var badComment = skipTo == "-->" && (text.AsSpan(lt + 4, end - lt - 4).Contains("--", StringComparison.Ordinal) || text[end - 1] == '-');
                var laterDeclaration = skipTo == "?>" && lt > 0 && rest.StartsWith("<?xml", StringComparison.Ordinal) && rest.Length > 5 && char.IsWhiteSpace(rest[5]);
                // A web page's "<!DOCTYPE html>" pasted into a description: XML allows one only before the root.
                var innerDoctype = skipTo == ">" && open.Count > 0 && rest.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase);
                if (badComment || laterDeclaration || innerDoctype)
                {
                    sb.Append(text, copied, lt - copied);
                    copied = end + skipTo.Length;
                    changed |= badComment ? TagRepairs.Comments : TagRepairs.Declarations;
                }
                lt = end;
                continue;
            }
            if (rest[1] == '/')
            {
                var close = text.IndexOf('>', lt);
                if (close < 0) break;
                var name = text.AsSpan(lt + 2, close - lt - 2).Trim();
                var at = open.Innermost(name);
                if (at >= 0 && at == open.Count - 1 && name.SequenceEqual(open[at]))
                {
                    open.CloseFrom(at);
                    lt = close;
                    continue;
                }
                sb.Append(text, copied, lt - copied);
                if (at >= 0)
                {
                    for (var k = open.Count - 1; k >= at; k--)
                        sb.Append("</").Append(open[k]).Append('>');
                    open.CloseFrom(at);
                }
                copied = close + 1;
                lt = close;
                changed |= TagRepairs.Tags;
                continue;
            }
            if (!(char.IsLetter(rest[1]) || rest[1] is '_' or ':')) continue;
            if (StartTag(text, lt) is not var (tagEnd, tagName, selfClosing, rewritten))
            {
                if (text.IndexOf('>', lt) < 0) break; // a tag cut off by the end of the text
                // A quote never closed ("<a href="x>y</a>"): no tag. Balancing stopped there, and
                // the rest of the document went without its repairs.
                sb.Append(text, copied, lt - copied).Append("&lt;");
                copied = lt + 1;
                changed |= TagRepairs.Tags;
                continue;
            }
            if (!selfClosing && tagName is "item" or "entry" && open.Innermost(tagName) is var openEntry and >= 0 && open[openEntry] == tagName)
            {
                // An entry never holds another: one whose end tag is missing ends where the next
                // begins, as HTML's <li> and <p> do, instead of taking every later entry inside it.
                sb.Append(text, copied, lt - copied);
                for (var k = open.Count - 1; k >= openEntry; k--)
                    sb.Append("</").Append(open[k]).Append('>');
                open.CloseFrom(openEntry);
                copied = lt;
                changed |= TagRepairs.Tags;
            }
            var isVoid = !selfClosing && VoidHtml.Contains(tagName) && open.InText; // an extension's <meta> or <track> elsewhere is not HTML
            if (rewritten is not null || isVoid)
            {
                var tag = rewritten ?? text[lt..tagEnd];
                sb.Append(text, copied, lt - copied).Append(isVoid ? tag.AsSpan(0, tag.Length - 1) : tag).Append(isVoid ? "/>" : "");
                copied = tagEnd;
                changed |= (rewritten is not null ? TagRepairs.Attributes : 0) | (isVoid ? TagRepairs.Tags : 0);
            }
            if (!selfClosing && !isVoid) open.Open(tagName);
            lt = tagEnd - 1;
        }
        return changed != TagRepairs.None ? (sb.Append(text, copied, text.Length - copied).ToString(), changed) : (text, changed);
    }

    [Flags]
    public enum TagRepairs { None = 0, Tags = 1, Attributes = 2, Comments = 4, Declarations = 8 }

    /// <summary>What <see cref="BalanceTags"/> did, for the feed's problems.</summary>
    public static string Describe(TagRepairs repairs) => "rewritten as an HTML parser reads them: " + string.Join(", ", new[]
    {
        repairs.HasFlag(TagRepairs.Tags) ? "tags left open or closed twice" : null,
        repairs.HasFlag(TagRepairs.Attributes) ? "attributes unquoted, without a value, repeated or holding a <" : null,
        repairs.HasFlag(TagRepairs.Comments) ? "comments holding --" : null,
        repairs.HasFlag(TagRepairs.Declarations) ? "a second XML declaration or a DOCTYPE inside the document" : null,
    }.OfType<string>());

    /// <summary>Namespace prefixes the document's tags and attributes use without declaring
    /// them anywhere (&lt;media:content&gt; without xmlns:media, Word's &lt;o:p&gt; in pasted HTML).</summary>
    public static IReadOnlyList<string> UndeclaredPrefixes(string text)
    {
        var declared = DeclaredPrefix().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        return UsedPrefix().Matches(text).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            .Where(p => p is not ("xml" or "xmlns") && !declared.Contains(p)).Distinct(StringComparer.Ordinal).ToList();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"xmlns:([A-Za-z_][\w.\-]*)\s*=\s*(?:""[^""]|'[^'])")]
    private static partial System.Text.RegularExpressions.Regex DeclaredPrefix();

    [System.Text.RegularExpressions.GeneratedRegex(@"</?([A-Za-z_][\w.\-]*):[A-Za-z_]|\s([A-Za-z_][\w.\-]*):[A-Za-z_][\w.\-]*\s*=\s*[""']")]
    private static partial System.Text.RegularExpressions.Regex UsedPrefix();

    /// <summary>The elements open at a point of the text, innermost last, with what BalanceTags
    /// asks of them answered without walking them: the innermost open element of a name (exactly,
    /// else in other capitals), and whether one whose text may be unescaped HTML is open. Walking
    /// the list for each end tag made 100,000 unclosed tags followed by as many stray end tags
    /// (700 KB) take 48 s of CPU, and a 10 MB body hours.</summary>
    private sealed class OpenTags
    {
        private readonly List<string> _names = [];
        private readonly Dictionary<string, Stack<int>> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Stack<int>> _anyCase = new(StringComparer.OrdinalIgnoreCase);
        private int _textElements;

        public int Count => _names.Count;
        public string this[int index] => _names[index];

        /// <summary>Whether the open elements include one whose text may be unescaped HTML.</summary>
        public bool InText => _textElements > 0;

        public void Open(string name)
        {
            _names.Add(name);
            Positions(_exact, name).Push(_names.Count - 1);
            Positions(_anyCase, name).Push(_names.Count - 1);
            if (IsText(name)) _textElements++;
        }

        /// <summary>Closes the element at <paramref name="at"/> and every one inside it.</summary>
        public void CloseFrom(int at)
        {
            for (var k = _names.Count - 1; k >= at; k--)
            {
                var name = _names[k];
                _exact[name].Pop();
                _anyCase[name].Pop();
                if (IsText(name)) _textElements--;
            }
            _names.RemoveRange(at, _names.Count - at);
        }

        /// <summary>The innermost open element of that name, else of that name in other capitals; −1 when none.</summary>
        public int Innermost(ReadOnlySpan<char> name) =>
            _exact.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var exact) && exact.Count > 0 ? exact.Peek()
            : _anyCase.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var other) && other.Count > 0 ? other.Peek()
            : -1;

        private static Stack<int> Positions(Dictionary<string, Stack<int>> positions, string name)
        {
            if (!positions.TryGetValue(name, out var stack)) positions[name] = stack = new Stack<int>();
            return stack;
        }

        private static bool IsText(string name) => FeedXml.IsTextElement(name.AsSpan(name.IndexOf(':') + 1)); // "content:encoded" by its local name
    }

    /// <summary>Reads the start tag at <paramref name="lt"/>: where it ends (after its "&gt;"), its
    /// name, whether it closes itself, and the tag rewritten when an attribute needed it (else
    /// null). Null when the text ends inside the tag.</summary>
    private static (int End, string Name, bool SelfClosing, string? Rewritten)? StartTag(string text, int lt)
    {
        var i = lt + 1;
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('>' or '/')) i++;
        var name = text[(lt + 1)..i];
        var attributes = new List<(string Name, string Value)>();
        var rewrite = false;
        var selfClosing = false;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) return null;
            if (text[i] == '>') break;
            if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '>')
            {
                i++;
                selfClosing = true;
                break;
            }
            var nameStart = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('=' or '>') && !(text[i] == '/' && i + 1 < text.Length && text[i + 1] == '>')) i++;
            var attribute = text[nameStart..i];
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            string value;
            if (i < text.Length && text[i] == '=')
            {
                i++;
                while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
                if (i >= text.Length) return null;
                if (text[i] is '"' or '\'')
                {
                    var quote = text.IndexOf(text[i], i + 1);
                    if (quote < 0) return null;
                    value = text[(i + 1)..quote];
                    if (value.Contains('<')) rewrite = true; // alt="<사진> …": XML wants it escaped
                    i = quote + 1;
                }
                else
                {
                    var valueStart = i;
                    while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '>') i++;
                    value = text[valueStart..i];
                    rewrite = true;
                }
            }
            else
            {
                value = attribute; // <input disabled>
                rewrite = true;
            }
            if (!IsName(attribute)
                || attributes.Count >= FeedXml.MaxAttributes || attributes.Exists(a => a.Name == attribute)
                || value.Length == 0 && attribute.StartsWith("xmlns:", StringComparison.Ordinal))
                rewrite = true; // not a name, said twice, past the bound the loader keeps, or a prefix "undeclared" (XML 1.0 has no such thing): dropped
            else
                attributes.Add((attribute, value));
        }
        if (!rewrite) return (i + 1, name, selfClosing, null);
        var tag = new StringBuilder("<").Append(name);
        foreach (var (attribute, value) in attributes)
            tag.Append(' ').Append(attribute).Append("=\"").Append(value.Replace("<", "&lt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal)).Append('"');
        return (i + 1, name, selfClosing, tag.Append(selfClosing ? "/>" : ">").ToString());
    }
}
