using System.Text.Json;

namespace Aggregator.Evaluation;

/// <summary>One line of a near-duplicate set (the schema of ../shared/tagging/neardup-dev.jsonl):
/// two texts, whether they are one story, and what kind of difference separates them.</summary>
public sealed record LabelledPair(string Id, PairSide A, PairSide B, bool SameStory, string Kind, string? Note)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Line(string? Id, PairSide? A, PairSide? B, bool? SameStory, string? Kind, string? Note);

    /// <summary>Reads every line; a line that is not a labelled pair is an error naming the file and line.</summary>
    public static IReadOnlyList<LabelledPair> ReadAll(string path)
    {
        var pairs = new List<LabelledPair>();
        var number = 0;
        var options = new JsonSerializerOptions(Json) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            Line? line;
            try { line = JsonSerializer.Deserialize<Line>(text, options); }
            catch (JsonException e) { throw new InvalidDataException($"{path}:{number}: not JSON ({e.Message})"); }
            if (line is not { Id: { } id, A: { Title: not null, Body: not null } a, B: { Title: not null, Body: not null } b, SameStory: { } same })
                throw new InvalidDataException($"{path}:{number}: needs \"id\", \"a\" and \"b\" (each with \"title\" and \"body\") and \"same_story\"");
            pairs.Add(new LabelledPair(id, a, b, same, line.Kind ?? "unknown", line.Note));
        }
        return pairs;
    }
}

public sealed record PairSide(string Title, string Body);
