using System.CommandLine;
using System.Text;
using System.Text.Json;
using Aggregator.Parsing;
using Aggregator.Parsing.Documents;
using Aggregator.Processing.Tagging;

namespace Aggregator.Cli;

/// <summary>`tag FILE|-`: reads a document as `import` would and prints, per topic, the
/// decision, the score, the reason and every matched term with its field and offset.</summary>
public static class TagCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("FILE|-") { Description = "A document (text, Markdown or HTML), or - for text on standard input" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var command = new Command("tag", "Show how the topic rules judge one document, and why.") { source, json };
        command.SetAction(async (result, ct) =>
        {
            var (topics, exit) = CommandServices.Topics(result);
            if (topics is null) return exit;
            var path = result.GetValue(source)!;
            ParsedDocument document;
            try
            {
                document = path == "-"
                    ? TextDocumentParser.Parse(await Console.In.ReadToEndAsync(ct))
                    : DocumentReader.Read(Path.GetFileName(path), await File.ReadAllBytesAsync(path, ct));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DocumentFormatException)
            {
                await Console.Error.WriteLineAsync($"error: {path}: {e.Message}");
                return 1;
            }
            var verdicts = topics.Topics.Select(t => Tagger.Judge(t, document.Title, document.Body)).ToList();
            Console.WriteLine(result.GetValue(json)
                ? JsonSerializer.Serialize(new { document.Title, document.Language, Topics = verdicts }, CliJson.Options)
                : Describe(document, verdicts));
            return 0;
        });
        return command;
    }

    private static string Describe(ParsedDocument document, IReadOnlyList<TopicVerdict> verdicts)
    {
        var text = new StringBuilder();
        text.AppendLine($"title: {document.Title}");
        text.AppendLine($"language: {document.Language}, body {document.Body.Length} characters");
        foreach (var v in verdicts)
        {
            text.AppendLine($"{v.Topic}: {(v.Tagged ? "TAGGED" : "not tagged")}  score {v.Score:0.##}  ({v.Reason})");
            foreach (var t in v.Tags.Where(t => t.Tag != v.Topic))
                text.AppendLine($"  {t.Tag}: score {t.Score:0.###} ({t.Reason})");
            foreach (var m in v.Matches)
                text.AppendLine($"  \"{m.Term}\"  {m.Group,-12} {m.Field}@{m.Offset}");
        }
        return text.ToString().TrimEnd();
    }
}
