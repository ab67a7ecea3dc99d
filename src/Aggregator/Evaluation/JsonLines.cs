using System.Text.Json;

namespace Aggregator.Evaluation;

/// <summary>Labelled sets are JSON Lines. Every line is read; a line that is not JSON, or lacks
/// what the set needs, is an error naming the file and line, since a score over a silently
/// shortened set would mislead.</summary>
public static class JsonLines
{
    /// <param name="read">Turns one parsed line into a record, or null when a required field is missing.</param>
    /// <param name="needs">What a line must have, for the error message.</param>
    public static IReadOnlyList<T> ReadAll<TLine, T>(string path, JsonSerializerOptions options, Func<TLine, T?> read, string needs)
        where T : class
    {
        var records = new List<T>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            TLine? line;
            try { line = JsonSerializer.Deserialize<TLine>(text, options); }
            catch (JsonException e) { throw new InvalidDataException($"{path}:{number}: not JSON ({e.Message})"); }
            records.Add((line is null ? null : read(line)) ?? throw new InvalidDataException($"{path}:{number}: needs {needs}"));
        }
        return records;
    }
}
