using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Processing;

/// <summary>The comparison form of text: NFKC (full-width Latin and half-width Kana fold to their
/// usual forms), case-folded, typographic quotes and dashes folded to ASCII, whitespace collapsed.
/// Two copies that differ only in these respects are the same content.</summary>
public static partial class TextNormalizer
{
    public static string ForComparison(string text)
    {
        // NFKC changes nothing in ASCII text, and skipping it there halves the cost for Latin scripts.
        var folded = (Ascii.IsValid(text) ? text : text.Normalize(NormalizationForm.FormKC)).ToLowerInvariant();
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
            sb.Append(c switch
            {
                '‘' or '’' or '‚' or '′' or '`' => '\'',
                '“' or '”' or '„' or '″' or '«' or '»' => '"',
                '‐' or '‑' or '‒' or '–' or '—' or '―' or '−' => '-',
                '\u00A0' or '\u200B' or '\u3000' => ' ',
                _ => c,
            });
        return Whitespace().Replace(sb.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
