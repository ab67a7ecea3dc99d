using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Documents;

/// <summary>Reads a news page saved as text. The first line is not reliably the headline: the
/// headline is chosen among the opening lines by shape (a phrase of a few words, not a sentence,
/// not page furniture, in the document's own script, repeated lines favoured), and everything
/// above it is page chrome.</summary>
public static partial class TextDocumentParser
{
    /// <summary>Headline, dates and bylines are looked for in this many opening non-blank lines.</summary>
    private const int OpeningLines = 15;

    /// <summary>A line this long (in words) is article prose, never a headline or a label.</summary>
    private const double ProseWords = 15;

    /// <param name="listsAfterHeadings">Read lists of other stories' headlines under "Related articles"
    /// and the like from the lines (plain text); a page's markup says where such a list ends.</param>
    public static ParsedDocument Parse(string text, string? knownTitle = null, bool listsAfterHeadings = true)
    {
        var lines = SplitLines(text);
        var script = Scripts.Dominant(text);
        var kinds = lines.Select(l => LineClassifier.Classify(l, script)).ToArray();
        var opening = Enumerable.Range(0, lines.Length).Where(i => kinds[i] != LineKind.Blank).Take(OpeningLines).ToList();

        var headline = knownTitle is null ? FindHeadline(lines, kinds, opening) : FindLine(lines, knownTitle);
        var title = knownTitle ?? (headline >= 0 ? CleanTitle(lines[headline]) : FallbackTitle(lines, kinds));
        if (string.IsNullOrWhiteSpace(title))
            throw new DocumentFormatException("the document has no text");

        var body = BodyLines(lines, kinds, headline, title, out var dateline, out var datelineAgency, out var datelineReporter, listsAfterHeadings);
        var firstProse = Array.FindIndex(lines, l => l.Length > 0 && Scripts.WordLength(l) >= ProseWords);
        if (firstProse < 0) firstProse = lines.Length;
        var bodyText = ReadMoreTrailer.Strip(string.Join("\n\n", body)); // a page copied from a feed keeps its "The post … appeared first on …"
        // A local time without a zone ("입력 2025.09.05 14:30") is in the zone of the language it is
        // written in, as in feeds: Seoul's, not UTC.
        var language = LanguageDetector.Detect(title, bodyText);
        return new ParsedDocument
        {
            Title = title,
            Body = bodyText,
            Language = language,
            // A date alone on a line ("2026.11.20 14:00") dates the article in its header only: in the
            // body, such lines are a timeline's ("1992.08.24", then what happened that day).
            PublishedAt = opening.Where(i => i < firstProse || !LineClassifier.IsNumberOnly(lines[i]))
                .Select(i => kinds[i] is LineKind.DateStamp or LineKind.SourceLine ? DateText.Find(lines[i], language) : null)
                .FirstOrDefault(d => d is not null)
                ?? (dateline is null ? null : DateText.Find(dateline, language)), // "BEIJING, Feb. 13, 2017 —" 
            Outlet = opening.Select(i => kinds[i] == LineKind.SourceLine ? LineClassifier.SourceName(lines[i]) : null).FirstOrDefault(s => s is not null)
                ?? datelineAgency
                ?? lines.Where((_, i) => kinds[i] == LineKind.Copyright).Select(LineClassifier.CopyrightHolder).FirstOrDefault(s => s is not null),
            Author = opening.Select(i => kinds[i] == LineKind.Byline ? LineClassifier.BylineName(lines[i]) : null).FirstOrDefault(s => s is not null)
                ?? datelineReporter,
        };
    }

    private static string[] SplitLines(string text) =>
        text.Normalize(NormalizationForm.FormC)
            .Replace("\r\n", "\n").Replace('\r', '\n')
            .Split('\n')
            .Select(l => Whitespace().Replace(l, " ").Trim())
            .ToArray();

    private static int FindHeadline(string[] lines, LineKind[] kinds, List<int> opening)
    {
        var best = -1;
        var bestScore = double.MinValue;
        var ordinal = 0;
        var afterProse = false;
        foreach (var i in opening)
        {
            var words = Scripts.WordLength(lines[i]);
            // A paragraph cut off with "..." below the article's first paragraph is a feed's
            // summary ending, not a headline, however headline-shaped its length.
            var cutOff = afterProse && (lines[i].EndsWith("...", StringComparison.Ordinal) || lines[i].EndsWith('…'));
            afterProse |= words >= ProseWords && kinds[i] == LineKind.Text;
            if (kinds[i] != LineKind.Text || !LooksLikeHeadline(lines[i]) || cutOff)
                continue;
            var score = words is >= 5 and <= 25 ? 2.0 : 0.0;
            if (opening.Any(j => j != i && lines[j] == lines[i]))
                score += 3; // pages repeat the headline (title bar, then article heading)
            if (words <= 4 && AllCapitalized(lines[i]))
                score -= 1; // "North Korea China": a keyword strip, not a headline
            score -= 0.25 * ordinal++;
            if (score > bestScore)
                (best, bestScore) = (i, score);
        }
        return best;
    }

    /// <summary>A headline is a phrase, not a sentence: a few words, no closing full stop.</summary>
    private static bool LooksLikeHeadline(string line)
    {
        var words = Scripts.WordLength(line);
        if (words is < 3 or > 30) return false;
        var last = line[^1];
        return last is not ('.' or '。' or ':' or '：' or ',' or ';') || line.EndsWith("...", StringComparison.Ordinal);
    }

    private static bool AllCapitalized(string line) =>
        Words().Matches(line).All(m => char.IsUpper(m.Value[0]));

    private static int FindLine(string[] lines, string title)
    {
        var wanted = Whitespace().Replace(title, " ").Trim().TrimStart('#', ' ');
        return Array.FindIndex(lines, l => l.TrimStart('#', ' ') == wanted);
    }

    /// <summary>"Headline | Section News | Site": the trailing short segments name the site.</summary>
    private static string CleanTitle(string line)
    {
        var parts = line.Split(" | ");
        var keep = parts.Length;
        while (keep > 1 && Scripts.WordLength(parts[keep - 1]) <= 5)
            keep--;
        return string.Join(" | ", parts.Take(keep)).Trim();
    }

    private static string FallbackTitle(string[] lines, LineKind[] kinds)
    {
        var first = lines.Where((_, i) => kinds[i] == LineKind.Text).FirstOrDefault() ?? "";
        return first.Length <= 140 ? first : first[..(first.LastIndexOf(' ', 139) is > 40 and var cut ? cut : 140)] + "…";
    }

    private static List<string> BodyLines(string[] lines, LineKind[] kinds, int headline, string title, out string? dateline, out string? datelineAgency, out string? datelineReporter,
        bool listsAfterHeadings)
    {
        dateline = null;
        datelineAgency = null;
        datelineReporter = null;
        var body = new List<string>();
        var inHeader = true; // between the headline and the first paragraph of prose
        var inList = false; // after "Related articles": other stories' headlines, up to the next prose
        for (var i = headline + 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var words = Scripts.WordLength(line);
            if (kinds[i] == LineKind.ListHeading) inList = listsAfterHeadings;
            if (inList && kinds[i] is not LineKind.Blank and not LineKind.ListHeading)
            {
                // The article resumes (a list set inside it) with prose again.
                if (kinds[i] != LineKind.Text || LineClassifier.IsListedHeadline(line)) continue;
                inList = false;
            }
            if (kinds[i] == LineKind.Text && words >= ProseWords)
                inHeader = false;
            var keep = kinds[i] switch
            {
                LineKind.Text => line != title && (!inHeader || words >= 8 || EndsSentence(line)),
                LineKind.ForeignScript => !inHeader && words >= ProseWords,
                _ => false,
            };
            if (!keep) continue;
            if (body.Count == 0 && Datelines.Strip(line) is var (rest, agency, reporter) && rest != line)
            {
                (dateline, datelineAgency, datelineReporter) = (line[..^rest.Length], agency, reporter);
                line = rest;
            }
            body.Add(line);
        }
        return body;
    }

    private static bool EndsSentence(string line) => line[^1] is '.' or '!' or '?' or '。' or '！' or '？' or '"' or '”' or '」';

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\p{L}[\p{L}\p{M}'-]*")]
    private static partial Regex Words();
}
