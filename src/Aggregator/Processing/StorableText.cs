using System.Buffers;
using System.Text;

namespace Aggregator.Processing;

/// <summary>Text that every store and every later stage can take: without NUL and the other C0
/// controls (PostgreSQL refuses a 0x00 in text; XML cannot carry them when the item is
/// republished), without U+FFFE and lone surrogates (Unicode normalization throws on them). A
/// character reference such as &amp;#0; or a JSON "\ud800" puts them in a parsed string; one such
/// character must not cost the entry, let alone its feed.</summary>
public static class StorableText
{
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\uFFFE");

    /// <summary>The text itself when it is clean (nearly always: two vectorized scans, and a walk
    /// over the surrogate pairs of emoji and rare CJK), else a copy with the controls and U+FFFE removed and
    /// each lone surrogate replaced by U+FFFD.</summary>
    public static string Clean(string text)
    {
        var span = text.AsSpan();
        var control = span.IndexOfAny(Controls);
        var lone = LoneSurrogate(span);
        var first = control < 0 ? lone : lone < 0 ? control : Math.Min(control, lone);
        if (first < 0) return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            if (char.IsSurrogate(c)) sb.Append('\uFFFD');
            else if (c is >= ' ' and not '\uFFFE' or '\t' or '\n' or '\r') sb.Append(c);
        }
        return sb.ToString();
    }

    public static string? CleanOrNull(string? text) => text is null ? null : Clean(text);

    /// <summary>Clean, and composed (NFC), as documents are: a feed written on a Mac or by a CMS
    /// that decomposes sends "o" + U+0308 for ö and Hangul as separate jamo, which looked the same
    /// but matched no search and no topic term ("외교장관" in jamo was not tagged). Composing
    /// leaves the content hash as it was (it is taken over the compatibility form, which composes
    /// too), so an entry stored decomposed before is not "edited" by it. Soft hyphens stay: taking
    /// them out changed the hash, which let a removed item back in, and moved the tagger's word
    /// boundaries.</summary>
    public static string Composed(string text)
    {
        var clean = Clean(text);
        if (Ascii.IsValid(clean)) return clean;
        try
        {
            return clean.IsNormalized(NormalizationForm.FormC) ? clean : clean.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return clean; // a noncharacter normalization refuses: kept as it came
        }
    }

    public static string? ComposedOrNull(string? text) => text is null ? null : Composed(text);

    /// <summary>The index of the first surrogate that is not half of a pair, or -1.</summary>
    private static int LoneSurrogate(ReadOnlySpan<char> span)
    {
        for (var i = span.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1])) { i++; continue; }
            if (char.IsSurrogate(span[i])) return i;
            var next = span[(i + 1)..].IndexOfAnyInRange('\uD800', '\uDFFF');
            if (next < 0) return -1;
            i += next; // the loop's i++ lands on it
        }
        return -1;
    }
}
