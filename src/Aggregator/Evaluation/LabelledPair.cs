using System.Text.Json;

namespace Aggregator.Evaluation;

/// <summary>One line of a near-duplicate set (the schema of ../shared/tagging/neardup-dev.jsonl):
/// two texts, whether they are one story, and what kind of difference separates them.</summary>
public sealed record LabelledPair(string Id, PairSide A, PairSide B, bool SameStory, string Kind, string? Note)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Line(string? Id, PairSide? A, PairSide? B, bool? SameStory, string? Kind, string? Note);

    public static IReadOnlyList<LabelledPair> ReadAll(string path) =>
        JsonLines.ReadAll<Line, LabelledPair>(path, Json,
            line => line is { Id: { } id, A: { Title: not null, Body: not null } a, B: { Title: not null, Body: not null } b, SameStory: { } same }
                ? new LabelledPair(id, a, b, same, line.Kind ?? "unknown", line.Note)
                : null,
            "\"id\", \"a\" and \"b\" (each with \"title\" and \"body\") and \"same_story\"");
}

/// <param name="Published">When its feed dates it (optional, beyond the shared schema): every
/// stored item has a date, its own or when it was first seen, and a side without one is taken as
/// published with the other, which an item never is when its date says otherwise.</param>
public sealed record PairSide(string Title, string Body, DateTimeOffset? Published = null);
