using System.Text.Json;

namespace Aggregator.Evaluation;

/// <summary>One line of a labelled tagging set (the schema of ../shared/tagging/dev.jsonl).</summary>
public sealed record LabelledDocument(string Id, string Lang, string Title, string Body, IReadOnlyList<string> Labels, string? Note)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Line(string? Id, string? Lang, string? Title, string? Body, List<string>? Labels, string? Note);

    public static IReadOnlyList<LabelledDocument> ReadAll(string path) =>
        JsonLines.ReadAll<Line, LabelledDocument>(path, Json,
            line => line is { Id: { } id, Title: { } title, Body: { } body, Labels: { } labels }
                ? new LabelledDocument(id, line.Lang ?? "und", title, body, labels, line.Note)
                : null,
            "\"id\", \"title\", \"body\" and \"labels\"");
}
