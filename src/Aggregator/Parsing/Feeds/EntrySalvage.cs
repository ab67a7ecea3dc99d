using System.Xml;
using System.Xml.Linq;

namespace Aggregator.Parsing.Feeds;

/// <summary>The last resort for a document the repairs did not make whole (RetryRepairs): the
/// entry the XML parser broke in is cut out and the document read again, until it reads to its
/// end. One malformed entry (an address in angle brackets, a "&lt;!DOCTYPE" pasted into a
/// description, a quote too many) had cost every entry after it, and the whole feed when it was
/// the first; feedparser, whose parser forgives, kept them. Run only on a document still broken
/// after the repairs, so a well-formed feed never pays for it.</summary>
public static class EntrySalvage
{
    /// <summary>Entries cut at most: each cut reads the document again, so a 10 MB body broken
    /// everywhere costs a bounded number of reads, and keeps what came before the last break.</summary>
    public const int MaxCuts = 16;

    /// <summary>Characters read again at most, over all cuts: a 10 MB body is cut twice, not 16 times.</summary>
    private const long MaxReread = 20_000_000;

    /// <summary>Cuts in a row that read no more entries before it stops: the break is not in
    /// entries that cutting helps (a construct that swallows everything after it).</summary>
    private const int MaxFruitless = 2;

    /// <param name="Cut">Where each entry cut out began (its 1-based line in the document), and why the parser broke in it.</param>
    public sealed record Salvaged(string Text, XDocument Document, string? Problem, string? LeftOut, IReadOnlyList<(int Line, string Why)> Cut);

    /// <summary>The document read again with the broken entries cut out, one at a time, while that
    /// gets more of it read; what was read before when it does not.</summary>
    public static Salvaged CutBrokenEntries(string text, XDocument document, string problem, (int Line, int Position) brokenAt,
        IReadOnlyList<string>? undeclaredPrefixes)
    {
        var best = new Salvaged(text, document, problem, null, []);
        var cut = new List<(int Line, string Why)>();
        var entries = Entries(document);
        var cuts = (int)Math.Clamp(MaxReread / Math.Max(1, text.Length), 1, MaxCuts);
        var fruitless = 0;
        for (var attempt = 0; attempt < cuts && fruitless < MaxFruitless; attempt++)
        {
            var at = Offset(text, brokenAt.Line, brokenAt.Position);
            // Broken at the very end: the text stops inside something (a document cut off, which
            // the loader has handled by dropping the unfinished entry, or a CDATA section never
            // closed): the entries before it are not where the trouble began.
            if (at >= text.Length - 1 || EntryAround(text, at) is not var (start, end)) break;
            cut.Add((LineOf(text, start), Reason(problem)));
            text = Blanked(text, start, end);
            (XDocument Document, string? Problem) again;
            string? leftOut;
            (int Line, int Position)? stillBrokenAt;
            try
            {
                again = FeedXml.Load(text, undeclaredPrefixes, out leftOut, out stillBrokenAt);
            }
            catch (XmlException)
            {
                break;
            }
            var read = Entries(again.Document);
            // Better when more entries are read, or as many and now to the end (the entry cut was
            // the last one, read in part before).
            if (read > entries || read == entries && read > 0 && again.Problem is null)
            {
                best = new Salvaged(text, again.Document, again.Problem, leftOut, [.. cut]);
                fruitless = read > entries ? 0 : fruitless;
                entries = read;
            }
            else fruitless++;
            if (stillBrokenAt is null) break;
            (brokenAt, problem) = (stillBrokenAt.Value, again.Problem!);
        }
        return best;
    }

    /// <summary>For the feed's problems: how many entries were cut out, and where the first ones were.</summary>
    public static string Describe(IReadOnlyList<(int Line, string Why)> cut) =>
        $"{cut.Count} entr{(cut.Count == 1 ? "y" : "ies")} that {(cut.Count == 1 ? "is" : "are")} not well-formed XML left out, the rest read: "
        + string.Join("; ", cut.Take(3).Select(c => $"the one at line {c.Line} ({c.Why})")) + (cut.Count > 3 ? "; …" : "");

    private static string Reason(string problem)
    {
        // "not well-formed XML at line 9, position 3 (The 'a' start tag … ); kept what came before" → what the parser said.
        var open = problem.IndexOf('(', StringComparison.Ordinal);
        var close = problem.LastIndexOf(')');
        return open >= 0 && close > open ? problem[(open + 1)..close] : problem;
    }

    /// <summary>The entry (an &lt;item&gt; or &lt;entry&gt;) around a point of the text: from its start
    /// tag to the next entry's, or to where the entries end (&lt;/channel&gt;, &lt;/feed&gt;,
    /// &lt;/rdf:RDF&gt;). Null when the point is before the first entry: the feed's own elements
    /// are broken, and nothing is cut.</summary>
    private static (int Start, int End)? EntryAround(string text, int at)
    {
        var start = Math.Max(LastStartTag(text, "<item", at), LastStartTag(text, "<entry", at));
        if (start < 0) return null;
        var next = NextStartTag(text, start + 1);
        if (next >= 0) return (start, next);
        var end = new[] { "</channel", "</feed", "</rdf:RDF", "</RDF" }
            .Select(close => text.LastIndexOf(close, StringComparison.Ordinal))
            .Where(i => i > start).DefaultIfEmpty(text.Length).Min();
        return (start, end);
    }

    private static int NextStartTag(string text, int from)
    {
        var item = NextStartTag(text, "<item", from);
        var entry = NextStartTag(text, "<entry", from);
        return item < 0 ? entry : entry < 0 ? item : Math.Min(item, entry);
    }

    private static int NextStartTag(string text, string tag, int from)
    {
        for (var i = text.IndexOf(tag, from, StringComparison.Ordinal); i >= 0; i = text.IndexOf(tag, i + 1, StringComparison.Ordinal))
            if (EndsName(text, i + tag.Length) && !Quoted(text, i)) return i;
        return -1;
    }

    private static int LastStartTag(string text, string tag, int at)
    {
        var from = Math.Min(at, text.Length - 1);
        for (var i = from < 0 ? -1 : text.LastIndexOf(tag, from, StringComparison.Ordinal); i >= 0; i = i == 0 ? -1 : text.LastIndexOf(tag, i - 1, StringComparison.Ordinal))
            if (EndsName(text, i + tag.Length) && !Quoted(text, i)) return i;
        return -1;
    }

    /// <summary>Whether a point is inside a CDATA section or a comment, where "&lt;item&gt;" is text
    /// (an article quoting a feed), not an entry.</summary>
    private static bool Quoted(string text, int at) =>
        Inside(text, at, "<![CDATA[", "]]>") || Inside(text, at, "<!--", "-->");

    private static bool Inside(string text, int at, string open, string close)
    {
        var opened = at == 0 ? -1 : text.LastIndexOf(open, at - 1, StringComparison.Ordinal);
        if (opened < 0) return false;
        var closed = text.IndexOf(close, opened + open.Length, StringComparison.Ordinal);
        return closed < 0 || closed > at;
    }

    private static bool EndsName(string text, int after) => after < text.Length && (char.IsWhiteSpace(text[after]) || text[after] is '>' or '/');

    private static int Entries(XDocument document) => document.Descendants().Count(e => e.Name.LocalName is "item" or "entry");

    /// <summary>The offset of a 1-based line and position, as XmlReader counts them (\r\n, \r and \n each end a line).</summary>
    private static int Offset(string text, int line, int position)
    {
        var at = 0;
        for (var current = 1; current < line && at < text.Length; at++)
        {
            if (text[at] == '\n' || text[at] == '\r' && (at + 1 >= text.Length || text[at + 1] != '\n')) current++;
        }
        return Math.Min(text.Length, at + Math.Max(0, position - 1));
    }

    /// <summary>The text with a span made blank, its line breaks kept: the lines and positions
    /// the parser reports, and those of the entries cut, stay those of the document as it came.</summary>
    private static string Blanked(string text, int start, int end) =>
        string.Create(text.Length, (text, start, end), static (span, s) =>
        {
            s.text.AsSpan().CopyTo(span);
            foreach (ref var c in span[s.start..s.end])
                if (c is not ('\n' or '\r')) c = ' ';
        });

    private static int LineOf(string text, int offset)
    {
        var line = 1;
        for (var i = 0; i < offset; i++)
            if (text[i] == '\n' || text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')) line++;
        return line;
    }
}
