using System.Globalization;
using Aggregator.Parsing;

namespace Aggregator.Processing.Stories;

/// <summary>The pieces two copies of a story share, as 64-bit hashes. Text is read as tokens: a
/// word in scripts written with spaces, a single character in Han, Kana and Hangul (which do not
/// separate words, or attach particles to them).
/// <list type="bullet">
/// <item><see cref="Phrases"/>: three consecutive words, five CJK characters. Copies share most of them (new page
/// chrome, a trimmed paragraph, a truncated summary); a rewrite shares few.</item>
/// <item><see cref="Terms"/>: single content words (four letters or more) and CJK character
/// pairs. A clumsy machine-translation round trip or a syndicated rewording keeps most of the
/// vocabulary while breaking most phrases.</item>
/// </list></summary>
public static class Shingles
{
    /// <summary>Three words make a phrase; in CJK a token is one character, and three characters
    /// are barely more than a word (most Chinese words have two), so common ones (外交部, 关系的)
    /// recur across unrelated articles. A CJK phrase is five characters, about as specific.</summary>
    public const int WordsPerPhrase = 3, CharactersPerPhrase = 5;

    public static HashSet<ulong> Phrases(IReadOnlyList<Token> tokens)
    {
        var phrases = new HashSet<ulong>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var n = tokens[i].Cjk ? CharactersPerPhrase : WordsPerPhrase;
            if (i + n <= tokens.Count) phrases.Add(Combine(tokens, i, n));
            else if (i == 0) phrases.Add(Combine(tokens, 0, tokens.Count)); // a text shorter than one phrase
        }
        return phrases;
    }

    public static HashSet<ulong> Terms(IReadOnlyList<Token> tokens)
    {
        var terms = new HashSet<ulong>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].Cjk)
            {
                if (tokens[i].Length >= 4) terms.Add(tokens[i].Hash);
            }
            else if (i + 1 < tokens.Count && tokens[i + 1].Cjk)
                terms.Add(Combine(tokens, i, 2));
        }
        return terms;
    }

    private static ulong Combine(IReadOnlyList<Token> tokens, int start, int count)
    {
        var h = 0x9E3779B97F4A7C15UL;
        for (var j = start; j < start + count; j++)
            h = Hashing.Mix(h ^ tokens[j].Hash);
        return h;
    }

    public readonly record struct Token(ulong Hash, int Length, bool Cjk);

    /// <param name="text">Text in comparison form (TextNormalizer.ForComparison).</param>
    public static List<Token> Tokens(string text)
    {
        var tokens = new List<Token>(text.Length / 5);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (Scripts.IsCjk(Scripts.Of(c)))
            {
                tokens.Add(new Token(Hashing.Mix(c), 1, true));
                i++;
            }
            else if (char.IsLetterOrDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || CharUnicodeInfo.GetUnicodeCategory(text[i]) == UnicodeCategory.NonSpacingMark)
                       && !Scripts.IsCjk(Scripts.Of(text[i])))
                    i++;
                tokens.Add(new Token(Hashing.Of(text.AsSpan(start, i - start)), i - start, false));
            }
            else i++;
        }
        return tokens;
    }
}
