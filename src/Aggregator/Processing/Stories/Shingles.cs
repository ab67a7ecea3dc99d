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

    /// <summary>The distinct phrase hashes of a text, in order of first appearance.</summary>
    public static ulong[] Phrases(ReadOnlySpan<Token> tokens)
    {
        var phrases = Scratch(tokens.Length + 1);
        var count = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            var n = tokens[i].Cjk ? CharactersPerPhrase : WordsPerPhrase;
            if (i + n <= tokens.Length) phrases[count++] = Combine(tokens.Slice(i, n));
            else if (i == 0) phrases[count++] = Combine(tokens); // a text shorter than one phrase
        }
        return ShingleSet.Distinct(phrases.AsSpan(0, count));
    }

    /// <summary>The distinct term hashes of a text, in order of first appearance.</summary>
    public static ulong[] Terms(ReadOnlySpan<Token> tokens)
    {
        var terms = Scratch(tokens.Length);
        var count = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (!tokens[i].Cjk)
            {
                if (tokens[i].Length >= 4) terms[count++] = tokens[i].Hash;
            }
            else if (i + 1 < tokens.Length && tokens[i + 1].Cjk)
                terms[count++] = Combine(tokens.Slice(i, 2));
        }
        return ShingleSet.Distinct(terms.AsSpan(0, count));
    }

    /// <summary>Shingles are collected in a buffer each thread reuses: a fingerprint is computed for
    /// every entry of every poll, and fresh sets for each were most of a cold cycle's allocation.</summary>
    [ThreadStatic] private static ulong[]? _scratch;

    private static ulong[] Scratch(int length)
    {
        if (_scratch is null || _scratch.Length < length) _scratch = new ulong[Math.Max(length, 1024)];
        return _scratch;
    }

    private static ulong Combine(ReadOnlySpan<Token> tokens)
    {
        var h = 0x9E3779B97F4A7C15UL;
        foreach (var token in tokens)
            h = Hashing.Mix(h ^ token.Hash);
        return h;
    }

    public readonly record struct Token(ulong Hash, int Length, bool Cjk)
    {
        /// <summary>How much text it is: a word two, a CJK character one (most Chinese words
        /// have two), so that "twenty words" and "forty characters" are one measure.</summary>
        public int Weight => Cjk ? 1 : 2;
    }

    /// <summary>The tokens of a text, in a list the caller reuses (cleared first).</summary>
    /// <param name="text">Text in comparison form (TextNormalizer.ForComparison).</param>
    public static List<Token> Tokens(ReadOnlySpan<char> text, List<Token> tokens)
    {
        tokens.Clear();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c >= 0x80 && Scripts.IsCjk(Scripts.Of(c)))
            {
                tokens.Add(new Token(Hashing.Mix(c), 1, true));
                i++;
            }
            else if (c < 0x80 ? char.IsAsciiLetterOrDigit(c) : char.IsLetterOrDigit(c))
            {
                var start = i;
                while (i < text.Length && InWord(text[i]))
                    i++;
                tokens.Add(new Token(Hashing.Of(text[start..i]), i - start, false));
            }
            else i++;
        }
        return tokens;
    }

    /// <summary>A word goes on through letters, digits and combining marks, up to a CJK character.
    /// ASCII first: most text the aggregator reads is.</summary>
    private static bool InWord(char c) => c < 0x80
        ? char.IsAsciiLetterOrDigit(c)
        : (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) && !Scripts.IsCjk(Scripts.Of(c));
}
