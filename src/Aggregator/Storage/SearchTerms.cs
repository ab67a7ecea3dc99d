using System.Globalization;
using System.Text;

namespace Aggregator.Storage;

/// <summary>A search as people type it: cleaned of what no one means to search for, split into
/// terms (words, and phrases in quotes), and each term in the forms it takes in stored text.
/// Shared by the river page and feeds (?q=) and by `items --search`.</summary>
public static partial class SearchTerms
{
    /// <summary>A search holds at most this many terms (a phrase in quotes is one): each costs a
    /// pattern per form over every candidate. More is an error, not silently fewer.</summary>
    public const int MaxTerms = 8;

    /// <summary>The text without characters nobody types on purpose and that match nothing
    /// visible: controls (a NUL made PostgreSQL fail the request), U+FFFE and lone surrogates
    /// (normalization throws on them: a 500), the soft hyphen, zero-width space, word joiner, byte
    /// order mark and direction marks that come along when a word is copied from a web page.
    /// Null when nothing is left.</summary>
    public static string? Clean(string? text)
    {
        if (text is null) return null;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            if (char.IsSurrogate(c) || char.IsControl(c) || c is '\u00AD' or '\u200B' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF' or '\uFFFE' or '\uFFFF')
            {
                // A tab or line break between words still separates them.
                if (c is '\t' or '\n' or '\r') sb.Append(' ');
                continue;
            }
            sb.Append(c);
        }
        var cleaned = sb.ToString().Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>The terms of a search: words split on white space (the ideographic space too), and
    /// a phrase in double quotes ("Yoon Suk Yeol", “…”, ”…”, „…“, «…», 「…」, 『…』; any of them
    /// closes what another opened, as people mix them) as one term whose words are matched in
    /// order. A quote left open runs to the end; quotes with nothing between them are no term.</summary>
    public static IReadOnlyList<string> Of(string? text)
    {
        var terms = new List<string>();
        if (text is null) return terms;
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            if (Quotes.Contains(text[i]))
            {
                var end = text.IndexOfAny(Quotes, i + 1);
                if (end < 0) end = text.Length;
                var phrase = string.Join(' ', text[(i + 1)..end].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                if (phrase.Length > 0) terms.Add(phrase);
                i = end + 1;
                continue;
            }
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            terms.Add(text[start..i]);
        }
        return terms;
    }

    private static readonly char[] Quotes = ['"', '\u201C', '\u201D', '\u201E', '\u00AB', '\u00BB', '\u300C', '\u300D', '\u300E', '\u300F'];

    /// <summary>A search written the one way its terms read back: words as they are, phrases in
    /// straight quotes, one space apart ("\"Korea\"" and "Korea" are the same search, one feed
    /// and one cache entry). Null when there is no term.</summary>
    public static string? Canonical(string? text)
    {
        var terms = Of(text);
        return terms.Count == 0 ? null : string.Join(' ', terms.Select(t => t.Contains(' ') ? $"\"{t}\"" : t));
    }

    /// <summary>The compatibility form (NFKC) of a text; a text normalization refuses (U+FFFE, a
    /// lone surrogate) as it is.</summary>
    public static string Compatible(string text) => Normalized(text, NormalizationForm.FormKC);

    private static string Normalized(string text, NormalizationForm form)
    {
        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    /// <summary>A term matches in at most this many forms: each is a pattern over title and body
    /// of every candidate, and PostgreSQL spends time planning each (88 patterns took it 0.3 s).</summary>
    public const int MaxForms = 6;

    /// <summary>The forms a term may take in stored text, any of which it matches: as typed; its
    /// compatibility form (NFKC: "ＤＰＲＫ" as DPRK, "ｿｳﾙ" as ソウル); an apostrophe as either ' or
    /// ’ ("Xi's" finds "Xi’s"); its letters and digits in full width ("ＤＰＲＫ", "３か国", as
    /// Japanese outlets write them) and its katakana in half width; and decomposed (NFD), as items
    /// stored before text was composed at ingest may hold it. Stored text is kept as the source
    /// wrote it, so the folding is done here, both ways.</summary>
    public static IReadOnlyList<string> Forms(string term)
    {
        var compatible = Compatible(term);
        var forms = new List<string> { term, compatible };
        if (compatible.Contains('\'')) forms.Add(compatible.Replace('\'', '\u2019'));
        if (compatible.Contains('\u2019') || compatible.Contains('\u2018')) forms.Add(compatible.Replace('\u2019', '\'').Replace('\u2018', '\''));
        forms.Add(FullWidth(compatible));
        forms.Add(HalfWidthKatakana(compatible));
        if (!Ascii.IsValid(compatible)) forms.Add(Normalized(compatible, NormalizationForm.FormD));
        return forms.Distinct(StringComparer.Ordinal).Take(MaxForms).ToList();
    }

    /// <summary>ASCII letters, digits and punctuation as their full-width forms (U+FF01–FF5E),
    /// when there is a letter or digit among them; else the text itself.</summary>
    private static string FullWidth(string text)
    {
        if (!text.Any(char.IsAsciiLetterOrDigit)) return text;
        return string.Create(text.Length, text, static (wide, text) =>
        {
            for (var i = 0; i < text.Length; i++)
                wide[i] = text[i] is >= '!' and <= '~' ? (char)(text[i] - '!' + '\uFF01') : text[i];
        });
    }

    /// <summary>Katakana (and the Japanese punctuation with half-width forms) in half width, a
    /// voiced or semi-voiced kana as its base and a separate mark (ド as ﾄﾞ); else the text itself.</summary>
    private static string HalfWidthKatakana(string text)
    {
        if (!text.Any(HalfWidth.ContainsKey) && !text.Any(c => Voiced(c) is not null)) return text;
        var sb = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (HalfWidth.TryGetValue(c, out var half)) sb.Append(half);
            else if (Voiced(c) is { } voiced) sb.Append(voiced);
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A kana whose canonical decomposition is a base with a half-width form and the
    /// (semi-)voicing mark: both in half width; else null.</summary>
    private static string? Voiced(char c)
    {
        if (c is < '\u30A1' or > '\u30FA') return null;
        var parts = c.ToString().Normalize(NormalizationForm.FormD);
        return parts.Length == 2 && HalfWidth.TryGetValue(parts[0], out var baseHalf) && parts[1] is '\u3099' or '\u309A'
            ? $"{baseHalf}{(parts[1] == '\u3099' ? '\uFF9E' : '\uFF9F')}"
            : null;
    }

    /// <summary>Full-width character → its half-width form, from the half-width block's own
    /// compatibility mappings (U+FF61–FF9F).</summary>
    private static readonly Dictionary<char, char> HalfWidth = BuildHalfWidth();

    private static Dictionary<char, char> BuildHalfWidth()
    {
        var map = new Dictionary<char, char>();
        for (var c = '\uFF61'; c <= '\uFF9F'; c++)
            if (c.ToString().Normalize(NormalizationForm.FormKC) is { Length: 1 } full && full[0] != c && full[0] is not ('\u3099' or '\u309A' or '\u309B' or '\u309C'))
                map.TryAdd(full[0], c);
        return map;
    }

    /// <summary>A language as stored (ISO 639-1, "ko"): a three-letter code (ISO 639-2 or 639-3,
    /// "kor", "zho", "chi") as its two letters where it has them; else as given, lower case. A
    /// region or script is dropped ("en-US" is "en"), except Chinese's script, which is stored:
    /// "zh-TW", "zh-HK", "zh-MO" and "zh-Hant" are traditional characters ("zh-Hant"), "zh-CN",
    /// "zh-SG" and "zh-Hans" simplified ("zh-Hans"); "zh" alone is Chinese in either.</summary>
    public static string Language(string code)
    {
        var parts = code.ToLowerInvariant().Replace('_', '-').Split('-', 2);
        var primary = parts[0].Length == 3 && TwoLetter.TryGetValue(parts[0], out var two) ? two : parts[0];
        if (primary != "zh" || parts.Length == 1) return primary;
        var rest = parts[1];
        return rest.StartsWith("hant", StringComparison.Ordinal) || rest is "tw" or "hk" or "mo" ? "zh-Hant"
            : rest.StartsWith("hans", StringComparison.Ordinal) || rest is "cn" or "sg" or "my" ? "zh-Hans"
            : primary;
    }

    /// <summary>Whether a filter's language stands for its whole family: "zh" asks for Chinese in
    /// either script ("zh-Hans", "zh-Hant") too, while "zh-Hant" asks for itself only.</summary>
    public static bool Family(string language) => !language.Contains('-', StringComparison.Ordinal);

    private static readonly Dictionary<string, string> TwoLetter = BuildTwoLetter();

    private static Dictionary<string, string> BuildTwoLetter()
    {
        // The bibliographic codes (ISO 639-2/B) that differ from the terminological ones .NET knows.
        var map = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["chi"] = "zh",
            ["fre"] = "fr",
            ["ger"] = "de",
            ["dut"] = "nl",
            ["cze"] = "cs",
            ["gre"] = "el",
            ["per"] = "fa",
            ["rum"] = "ro",
            ["slo"] = "sk",
            ["alb"] = "sq",
            ["arm"] = "hy",
            ["baq"] = "eu",
            ["bur"] = "my",
            ["geo"] = "ka",
            ["ice"] = "is",
            ["mac"] = "mk",
            ["may"] = "ms",
            ["tib"] = "bo",
            ["wel"] = "cy",
        };
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.NeutralCultures))
            if (culture.TwoLetterISOLanguageName is { Length: 2 } two && culture.ThreeLetterISOLanguageName is { Length: 3 } three)
                map.TryAdd(three.ToLowerInvariant(), two);
        return map;
    }

    /// <summary>A date or time as ISO 8601 writes it, and nothing else: 2026-11-01,
    /// 2026-11-01T08:00, 2026-11-01T08:00:00Z, 2026-11-01T17:00+09:00 (a space for the T is
    /// taken too). "10.11.2026" and "10/11/2026" are read differently in different countries, so
    /// they are refused rather than guessed. A time without a zone is UTC.</summary>
    public static bool TryParseSince(string text, out DateTime utc)
    {
        utc = default;
        // "+09:00" typed into a link arrives as " 09:00" (a + in a query string is a space).
        if (text.Length > 16 && text[^6] == ' ' && text[10] is 'T' or 't' or ' ') text = text[..^6] + "+" + text[^5..];
        if (!IsoDate().IsMatch(text)) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return false;
        utc = parsed.UtcDateTime;
        return true;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IsoDate();
}
