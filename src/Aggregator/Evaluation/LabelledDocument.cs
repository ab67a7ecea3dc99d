using System.Text.Json;

namespace Aggregator.Evaluation;

/// <summary>One line of a labelled tagging set (the schema of ../shared/tagging/dev.jsonl).</summary>
public sealed record LabelledDocument(string Id, string Lang, string Title, string Body, IReadOnlyList<string> Labels, string? Note)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Line(string? Id, string? Lang, string? Title, string? Body, List<string>? Labels, string? Note);

    /// <summary>Reads every line; a line that is not a labelled document is an error naming the
    /// file and line, since a score over a silently shortened set would mislead.</summary>
    public static IReadOnlyList<LabelledDocument> ReadAll(string path)
    {
        var documents = new List<LabelledDocument>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            Line? line;
            try { line = JsonSerializer.Deserialize<Line>(text, Json); }
            catch (JsonException e) { throw new InvalidDataException($"{path}:{number}: not JSON ({e.Message})"); }
            if (line is not { Id: { } id, Title: { } title, Body: { } body, Labels: { } labels })
                throw new InvalidDataException($"{path}:{number}: needs \"id\", \"title\", \"body\" and \"labels\"");
            documents.Add(new LabelledDocument(id, line.Lang ?? "und", title, body, labels, line.Note));
        }
        return documents;
    }
}
