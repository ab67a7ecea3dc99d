using System.Globalization;

namespace Aggregator.Parsing;

public enum Script { Other, Latin, Cyrillic, Han, Kana, Hangul }

/// <summary>Which writing system a text is mostly in. CJK text has no spaces between words,
/// so several later stages (matching, shingling, headline length) branch on this.</summary>
public static class Scripts
{
    public static Script Of(char c) => c switch
    {
        < '\u0080' => char.IsAsciiLetter(c) ? Script.Latin : Script.Other, // most characters of most text, first
        >= '\u3040' and <= '\u30FF' or >= '\u31F0' and <= '\u31FF' or >= '\uFF66' and <= '\uFF9F' => Script.Kana,
        >= '\uAC00' and <= '\uD7AF' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F' => Script.Hangul,
        >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF' => Script.Han,
        >= '\u0400' and <= '\u04FF' => Script.Cyrillic,
        _ when char.IsLetter(c) && c < '\u0250' => Script.Latin,
        >= '\u1E00' and <= '\u1EFF' => Script.Latin, // Vietnamese and other Latin Extended Additional
        _ => Script.Other,
    };

    public static bool IsCjk(Script s) => s is Script.Han or Script.Kana or Script.Hangul;

    /// <summary>Japanese mixes Han and Kana: any Kana makes the text Japanese rather than Chinese.</summary>
    public static Script Dominant(ReadOnlySpan<char> text)
    {
        Span<int> counts = stackalloc int[6];
        foreach (var c in text)
            counts[(int)Of(c)]++;
        if (counts[(int)Script.Kana] > 0 && counts[(int)Script.Kana] * 10 >= counts[(int)Script.Han])
            counts[(int)Script.Kana] += counts[(int)Script.Han];
        var best = Script.Other;
        for (var s = 1; s < counts.Length; s++)
            if (counts[s] > counts[(int)best])
                best = (Script)s;
        return best;
    }

    /// <summary>Letters in scripts written with spaces count as words; each CJK character counts
    /// as half a word, which puts a CJK headline and a Latin one on the same scale.</summary>
    public static double WordLength(ReadOnlySpan<char> text)
    {
        double cjk = 0;
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var s = Of(c);
            if (IsCjk(s) && s != Script.Hangul) { cjk++; inWord = false; continue; }
            var letter = char.IsLetterOrDigit(c) || c is '\'' or '-' || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;
            if (letter && !inWord) words++;
            inWord = letter;
        }
        return words + cjk / 2;
    }
}
