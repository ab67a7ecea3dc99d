using System.Text.Json;

namespace Aggregator.Cli;

/// <summary>How every --json output is written: camelCase, indented, non-ASCII text (Hangul,
/// Han, Cyrillic) as itself rather than \u escapes, so it stays readable in a terminal.</summary>
public static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
