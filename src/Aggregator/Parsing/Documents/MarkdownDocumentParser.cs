using System.Text;
using Aggregator.Parsing.Feeds;
using Markdig;
using Markdig.Extensions.Footnotes;
using Markdig.Extensions.Yaml;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Aggregator.Parsing.Documents;

/// <summary>Markdown notes and exports, read by Markdig (CommonMark with the extensions note
/// takers and web clippers write: pipe and grid tables, footnotes, task lists, autolinks). YAML
/// front matter (title, date, author, source, url) when present, else the first level-1 heading
/// is the headline. The text (hashed, tagged, clustered) is what the rendered HTML reads as, the
/// way a feed entry's HTML is read, so a table's cells, a link's words and a code block's lines
/// are text and no markup is; the HTML, without the front matter and the headline, is the
/// content republished.</summary>
public static class MarkdownDocumentParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter().UsePipeTables().UseGridTables().UseFootnotes().UseTaskLists().UseAutoLinks().UseEmphasisExtras()
        .Build();

    /// <remarks>Markdig refuses markup nested past its depth limit (hundreds of "&gt;", "[" or
    /// "*"), which no note has, while reading or rendering it: a clear error for that document.</remarks>
    public static ParsedDocument Parse(string markdown)
    {
        try
        {
            return Read(markdown);
        }
        catch (ArgumentException e) when (e.Message.Contains("too deeply nested", StringComparison.Ordinal))
        {
            throw new DocumentFormatException("Markdown nested too deeply to read (quote marks, brackets, emphasis marks or list levels hundreds deep)");
        }
    }

    private static ParsedDocument Read(string markdown)
    {
        // Read twice: once for the text, without the footnote marks ("chips.1", "↩") that would
        // stick to its words; once for the content, with them.
        var forText = Markdown.Parse(markdown, Pipeline);
        var front = FrontMatter(forText);
        foreach (var mark in forText.Descendants<FootnoteLink>().ToList()) mark.Remove();
        var headingText = FirstHeading(forText)?.Inline is { } inline ? HtmlText.Collapse(InlineText(inline)) : null;
        var title = front.GetValueOrDefault("title") ?? headingText;
        var parsed = TextDocumentParser.Parse(HtmlText.ToParagraphs(Render(forText, withoutHeading: false) ?? ""), title);
        var language = front.GetValueOrDefault("lang") ?? front.GetValueOrDefault("language") ?? parsed.Language;
        return parsed with
        {
            PublishedAt = (front.TryGetValue("date", out var date) ? DateText.Find(date, language) : null) ?? parsed.PublishedAt,
            Author = front.GetValueOrDefault("author") ?? parsed.Author,
            Outlet = front.GetValueOrDefault("source") ?? front.GetValueOrDefault("outlet") ?? parsed.Outlet,
            Url = front.GetValueOrDefault("url") ?? parsed.Url,
            Language = language,
            // The headline is the entry's title: the content does not open with it again.
            ContentHtml = Render(Markdown.Parse(markdown, Pipeline), withoutHeading: headingText is not null && headingText == parsed.Title),
        };
    }

    /// <summary>The front matter's "key: value" lines (a flat mapping is all notes put there).</summary>
    private static Dictionary<string, string> FrontMatter(MarkdownDocument document)
    {
        var front = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (document.Descendants<YamlFrontMatterBlock>().FirstOrDefault() is { } yaml)
            foreach (var line in yaml.Lines.ToString().Split('\n'))
                if (line.Split(':', 2) is [var key, var value] && value.Trim().Trim('"', '\'') is { Length: > 0 } v)
                    front[key.Trim()] = v;
        return front;
    }

    private static HeadingBlock? FirstHeading(MarkdownDocument document) =>
        document.Descendants<HeadingBlock>().FirstOrDefault(h => h.Level == 1);

    /// <summary>The document as HTML without its front matter (and its first level-1 heading when
    /// asked); null when nothing is left.</summary>
    private static string? Render(MarkdownDocument document, bool withoutHeading)
    {
        foreach (var yaml in document.Descendants<YamlFrontMatterBlock>().ToList()) yaml.Parent?.Remove(yaml);
        if (withoutHeading && FirstHeading(document) is { } heading) heading.Parent?.Remove(heading);
        if (document.Count == 0) return null;
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        return writer.ToString();
    }

    /// <summary>A heading's words: emphasis, links and code reduced to their text, inline HTML dropped.</summary>
    private static string InlineText(ContainerInline container)
    {
        var text = new StringBuilder();
        foreach (var inline in container.Descendants<Inline>())
            switch (inline)
            {
                case LiteralInline literal: text.Append(literal.Content); break;
                case CodeInline code: text.Append(code.Content); break;
                case HtmlEntityInline entity: text.Append(entity.Transcoded); break;
                case LineBreakInline: text.Append(' '); break;
            }
        return text.ToString();
    }
}
