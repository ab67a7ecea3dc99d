using System.Buffers;
using System.Text;

namespace Aggregator.Processing;

/// <summary>The comparison form of text: NFKC (full-width Latin and half-width Kana fold to their
/// usual forms), case-folded, typographic quotes and dashes folded to ASCII, whitespace collapsed.
/// Two copies that differ only in these respects are the same content.</summary>
public static class TextNormalizer
{
    public static string ForComparison(string text)
    {
        // NFKC changes nothing in ASCII text, and skipping it there halves the cost for Latin scripts.
        var folded = (Ascii.IsValid(text) ? text : text.Normalize(NormalizationForm.FormKC)).ToLowerInvariant();
        // One pass: fold, then collapse white space runs to one space and trim (every item's body
        // goes through here for its content hash and story fingerprint).
        var buffer = ArrayPool<char>.Shared.Rent(folded.Length);
        try
        {
            var length = 0;
            var pendingSpace = false;
            foreach (var original in folded)
            {
                var c = original switch
                {
                    '‘' or '’' or '‚' or '′' or '`' => '\'',
                    '“' or '”' or '„' or '″' or '«' or '»' => '"',
                    '‐' or '‑' or '‒' or '–' or '—' or '―' or '−' => '-',
                    '\u00A0' or '\u200B' or '\u3000' => ' ',
                    _ => original,
                };
                if (char.IsWhiteSpace(c))
                {
                    pendingSpace = length > 0;
                    continue;
                }
                if (pendingSpace)
                {
                    buffer[length++] = ' ';
                    pendingSpace = false;
                }
                buffer[length++] = c;
            }
            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
