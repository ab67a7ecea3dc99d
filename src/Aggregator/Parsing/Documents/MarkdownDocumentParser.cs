using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Documents;

/// <summary>Markdown notes and exports: YAML front matter (title, date, author, source, url) when
/// present, else the first "# " heading is the headline; inline markup is reduced to its text.</summary>
public static partial class MarkdownDocumentParser
{
    public static ParsedDocument Parse(string markdown)
    {
        var front = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var m = FrontMatter().Match(markdown);
        if (m.Success)
        {
            foreach (var line in m.Groups["yaml"].Value.Split('\n'))
                if (line.Split(':', 2) is [var key, var value] && value.Trim().Trim('"', '\'') is { Length: > 0 } v)
                    front[key.Trim()] = v;
            markdown = markdown[m.Length..];
        }

        var heading = Heading().Match(markdown);
        var title = front.GetValueOrDefault("title") ?? (heading.Success ? Inline(heading.Groups["text"].Value) : null);
        var text = string.Join('\n', markdown.Split('\n').Select(l => Inline(Prefix().Replace(l, ""))));
        var parsed = TextDocumentParser.Parse(text, title);
        var language = front.GetValueOrDefault("lang") ?? front.GetValueOrDefault("language") ?? parsed.Language;
        return parsed with
        {
            PublishedAt = (front.TryGetValue("date", out var date) ? DateText.Find(date, language) : null) ?? parsed.PublishedAt,
            Author = front.GetValueOrDefault("author") ?? parsed.Author,
            Outlet = front.GetValueOrDefault("source") ?? front.GetValueOrDefault("outlet") ?? parsed.Outlet,
            Url = front.GetValueOrDefault("url") ?? parsed.Url,
            Language = language,
        };
    }

    private static string Inline(string line) =>
        Emphasis().Replace(Link().Replace(Image().Replace(line, ""), "${text}"), "").Trim();

    [GeneratedRegex(@"\A---\r?\n(?<yaml>.*?)\r?\n---\r?\n", RegexOptions.Singleline)]
    private static partial Regex FrontMatter();

    [GeneratedRegex(@"^#\s+(?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`)")]
    private static partial Regex Emphasis();
}
