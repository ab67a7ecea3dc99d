using System.Text.Json;
using Aggregator.Parsing;

namespace Aggregator.Storage;

/// <summary>An item's enclosures as the items table keeps them: a JSON array of {"url", "type",
/// "length"} in one column, read back whole (they are only ever shown with their item).</summary>
public static class Enclosures
{
    public static string? ToJson(IReadOnlyList<Enclosure> enclosures)
    {
        if (enclosures.Count == 0) return null;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var e in enclosures)
            {
                w.WriteStartObject();
                w.WriteString("url", e.Url);
                if (e.Type is not null) w.WriteString("type", e.Type);
                if (e.Length is { } length) w.WriteNumber("length", length);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The stored column back as records; a value that is not such an array gives none.</summary>
    public static IReadOnlyList<Enclosure> FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array) return [];
            return document.RootElement.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String)
                .Select(e => new Enclosure(e.GetProperty("url").GetString()!,
                    e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
                    e.TryGetProperty("length", out var l) && l.TryGetInt64(out var n) ? n : null))
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
