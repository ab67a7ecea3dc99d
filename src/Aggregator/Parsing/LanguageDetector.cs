using System.Globalization;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing;

/// <summary>ISO 639-1 language of a document. The script decides CJK and Cyrillic; Latin-script
/// languages are told apart by their commonest function words, which is reliable on anything
/// longer than a headline and explainable when it is not.</summary>
public static partial class LanguageDetector
{
    private static readonly Dictionary<string, HashSet<string>> FunctionWords = new()
    {
        ["en"] = Set("the of and to in is that for on with as was by it at from his has have are be said which"),
        ["sv"] = Set("och att det som en på är för med av till den har inte de om ett var vid sig från sina"),
        ["de"] = Set("der die und das nicht ist mit den von zu sich des auf für ein eine im dem auch wurde bei"),
        ["fr"] = Set("le la les de des et est une un du que dans pour qui sur au avec par pas aux été cette"),
        ["es"] = Set("el la los las de del y que en un una por con para es se al lo como su más ha"),
        ["nl"] = Set("de het een en van is dat op te in zijn met voor niet aan er ook door bij werd heeft"),
        ["it"] = Set("il la di che e è un una per non con del della gli le sono nel alla ha dei"),
        ["pt"] = Set("o a os as de do da que e em um uma para com não por se no na dos foi"),
        ["vi"] = Set("của và là các có được cho trong với người này không những đã một đến khi về theo"),
        ["da"] = Set("og at det som en på er for med af til den har ikke de om et var ved sig fra"),
        ["no"] = Set("og at det som en på er for med av til den har ikke de om et var ved seg fra"),
    };

    /// <summary>The opening of a text decides; more only costs time.</summary>
    private const int Sample = 2000;

    public static string Detect(string text) => Detect(text.AsSpan());

    /// <summary>A headline and its body, read as one text ("title\nbody") without making it.</summary>
    public static string Detect(string title, string body)
    {
        var length = Math.Min(Sample, title.Length + 1 + body.Length);
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(length);
        try
        {
            var sample = buffer.AsSpan(0, length);
            var head = Math.Min(title.Length, length);
            title.AsSpan(0, head).CopyTo(sample);
            if (head < length) sample[head] = '\n';
            if (head + 1 < length) body.AsSpan(0, length - head - 1).CopyTo(sample[(head + 1)..]);
            return Detect(sample);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    public static string Detect(ReadOnlySpan<char> text)
    {
        if (text.Length > Sample) text = text[..Sample];
        var script = Scripts.Dominant(text);
        switch (script)
        {
            case Script.Hangul: return "ko";
            case Script.Kana: return "ja";
            case Script.Han: return "zh";
            case Script.Cyrillic: return UkrainianLetters().IsMatch(text) ? "uk" : "ru";
        }
        // One pass over the words; each function word maps to a bit per language that uses it.
        Span<int> counts = stackalloc int[Languages.Length];
        var lookup = WordLanguages.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i < text.Length;)
        {
            while (i < text.Length && !char.IsLetter(text[i])) i++;
            var start = i;
            while (i < text.Length && (char.IsLetter(text[i]) || CharUnicodeInfo.GetUnicodeCategory(text[i]) == UnicodeCategory.NonSpacingMark)) i++;
            if (i > start && i - start <= 8 && lookup.TryGetValue(text[start..i], out var mask))
                for (var l = 0; l < Languages.Length; l++)
                    if ((mask & (1 << l)) != 0) counts[l]++;
        }
        var best = -1;
        for (var l = 0; l < Languages.Length; l++)
            if (counts[l] > 0 && (best < 0 || counts[l] > counts[best])) best = l;
        return best < 0 ? "und" : Languages[best];
    }

    private static readonly string[] Languages = [.. FunctionWords.Keys];

    /// <summary>Function word → bit mask of the languages it belongs to, case-insensitive.</summary>
    private static readonly Dictionary<string, int> WordLanguages = BuildWordLanguages();

    private static Dictionary<string, int> BuildWordLanguages()
    {
        var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var languages = FunctionWords.Keys.ToArray();
        for (var l = 0; l < languages.Length; l++)
            foreach (var word in FunctionWords[languages[l]])
                map[word] = map.GetValueOrDefault(word) | (1 << l);
        return map;
    }

    private static HashSet<string> Set(string words) => new(words.Split(' '), StringComparer.Ordinal);

    [GeneratedRegex("[іїєґІЇЄҐ]")]
    private static partial Regex UkrainianLetters();
}
