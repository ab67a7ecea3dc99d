namespace Aggregator.Processing.Stories;

/// <summary>The keys under which the story index files an item, so that placing a new item looks
/// up a few keys instead of comparing it with every stored item. Two copies of one story share
/// at least one key with high probability:
/// <list type="bullet">
/// <item><see cref="KeyKind.Band"/>: 16 locality-sensitive bands of a 32-slot MinHash sketch of
/// the phrases, two slots per band. A pair with phrase Jaccard similarity J shares a band with
/// probability 1 − (1 − J²)^16: 0.86 at J = 0.33 (a syndicated edit), 0.99 at J = 0.5; unrelated
/// reporting (J below 0.02) shares one rarely, and then the sketches tell it apart
/// (<see cref="StoryMatch.WorthComparing"/>) before any text is read.</item>
/// <item><see cref="KeyKind.Lead"/>: the body's first twelve tokens, which a truncated feed
/// summary and an updated version keep.</item>
/// <item><see cref="KeyKind.Figures"/>: each pair of the first four figures the text states (two
/// digits or more, years left out): a machine-translation round trip breaks most phrases but
/// keeps its figures.</item>
/// <item><see cref="KeyKind.Headline"/>: the headline's opening words, without a wire tag or an
/// outlet's name (<see cref="Stories.Headline.Opening"/>): an aggregator's or a flash's
/// headline-only item has no text to share with its article but that.</item>
/// </list>
/// A key is 32 bits; its two low bits say its kind.</summary>
public static class StoryKeys
{
    public const int Slots = 32;

    /// <summary>A sketch is the phrases' <see cref="Slots"/> slots, then the terms', then the
    /// number of distinct phrases (how long the text is, which tells a summary from its article
    /// when both share a lead).</summary>
    public const int SketchLength = 2 * Slots + 1, PhraseCountSlot = 2 * Slots;
    public const int RowsPerBand = 2;
    public const int LeadTokens = 12;
    public const int MaxFigures = 4;

    /// <summary>The most keys an item gets: every band, its lead, each pair of its figures, its headline.</summary>
    public const int MaxKeys = Slots / RowsPerBand + 1 + MaxFigures * (MaxFigures - 1) / 2 + 1;

    /// <summary>A sketch of a few phrases is mostly slots borrowed from one another, and two short
    /// texts sharing one phrase would share most bands: short texts are found by their lead.</summary>
    public const int MinPhrasesForBands = 16;

    public static KeyKind KindOf(long key) => (KeyKind)(key & 3);

    /// <remarks>Loops rather than LINQ: this runs for every entry of every poll, and its iterators,
    /// sorting buffers and sets were a large share of what a fingerprint allocated.</remarks>
    public static IReadOnlyList<long> For(uint[] sketch, int phraseCount, ReadOnlySpan<Shingles.Token> bodyTokens, IReadOnlyList<string> numbers, Headline headline)
    {
        var keys = new List<long>(Slots / RowsPerBand + 8);
        for (var band = 0; band < Slots / RowsPerBand && phraseCount >= MinPhrasesForBands; band++)
        {
            var h = Hashing.Mix((ulong)band + 1);
            for (var row = 0; row < RowsPerBand; row++)
                h = Hashing.Mix(h ^ sketch[band * RowsPerBand + row]);
            Add(keys, Key(h, KeyKind.Band));
        }
        if (bodyTokens.Length >= LeadTokens)
        {
            var h = Hashing.Mix(0x4C454144UL); // "LEAD"
            for (var i = 0; i < LeadTokens; i++) h = Hashing.Mix(h ^ bodyTokens[i].Hash);
            Add(keys, Key(h, KeyKind.Lead));
        }
        // The first figures stated, sorted ordinally: a pair's key does not depend on which came first.
        var figures = new string[MaxFigures];
        var count = 0;
        for (var n = 0; n < numbers.Count && count < MaxFigures; n++)
        {
            if (!IsFigure(numbers[n])) continue;
            var at = count++;
            for (; at > 0 && string.CompareOrdinal(figures[at - 1], numbers[n]) > 0; at--) figures[at] = figures[at - 1];
            figures[at] = numbers[n];
        }
        for (var i = 0; i < count; i++)
            for (var j = i + 1; j < count; j++)
                Add(keys, Key(Hashing.Mix(Hashing.Mix(0x4E554D53UL ^ Hashing.Of(figures[i])) ^ Hashing.Of(figures[j])), KeyKind.Figures));
        if (headline.Opening != 0) Add(keys, Key(headline.Opening, KeyKind.Headline));
        return keys;
    }

    /// <summary>Each key once, in order of first appearance (a few dozen keys: a scan beats a set).</summary>
    private static void Add(List<long> keys, long key)
    {
        if (!keys.Contains(key)) keys.Add(key);
    }

    /// <summary>A number specific enough to find a story by: two digits or more, not a year (every
    /// story of a year states it) and not an ordinal word. Common ones would make keys that
    /// thousands of items share.</summary>
    private static bool IsFigure(string n)
    {
        if (n.Length < 2) return false;
        foreach (var c in n)
            if (!char.IsAsciiDigit(c)) return false;
        return !StoryFingerprint.IsYear(n);
    }

    /// <summary>32 bits (a smaller index: SQLite stores small integers in fewer bytes; a chance
    /// collision only adds a candidate the sketch then drops), the two low bits carrying the kind.</summary>
    private static long Key(ulong h, KeyKind kind) => (long)(((uint)(h >> 32) & ~3u) | (uint)kind);
}

public enum KeyKind { Band = 0, Lead = 1, Figures = 2, Headline = 3 }
