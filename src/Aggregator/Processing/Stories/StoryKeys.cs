namespace Aggregator.Processing.Stories;

/// <summary>The keys under which the story index files an item, so that placing a new item looks
/// up a few dozen keys instead of comparing it with every stored item. Two copies of one story
/// share at least one key with high probability:
/// <list type="bullet">
/// <item>16 locality-sensitive bands of a 32-slot MinHash sketch of the phrases, two slots per
/// band: a pair with phrase Jaccard similarity J shares a band with probability 1 − (1 − J²)^16
/// (0.86 at J = 0.33, a syndicated edit; 0.07 at J = 0.07, unrelated reporting on the same topic
/// is lower still);</item>
/// <item>the lead: the first twelve tokens, which a truncated feed summary and an updated
/// version keep;</item>
/// <item>each pair of the first four figures the text states (years left out): a
/// machine-translation round trip breaks most phrases but keeps its figures.</item>
/// </list></summary>
public static class StoryKeys
{
    public const int Slots = 32;
    public const int RowsPerBand = 2;
    public const int LeadTokens = 12;
    public const int MaxFigures = 4;

    public static IReadOnlyList<long> For(HashSet<ulong> phrases, IReadOnlyList<Shingles.Token> tokens, IReadOnlyList<string> numbers)
    {
        var keys = new List<long>(Slots / RowsPerBand + 2);
        var sketch = MinHash.Sketch(phrases, Slots);
        for (var band = 0; band < Slots / RowsPerBand; band++)
        {
            var h = Hashing.Mix((ulong)band + 1);
            for (var row = 0; row < RowsPerBand; row++)
                h = Hashing.Mix(h ^ sketch[band * RowsPerBand + row]);
            keys.Add(Key(h));
        }
        if (tokens.Count >= LeadTokens)
        {
            var h = Hashing.Mix(0x4C454144UL); // "LEAD"
            for (var i = 0; i < LeadTokens; i++) h = Hashing.Mix(h ^ tokens[i].Hash);
            keys.Add(Key(h));
        }
        var figures = numbers.Where(n => !IsYear(n)).Take(MaxFigures).Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < figures.Count; i++)
            for (var j = i + 1; j < figures.Count; j++)
                keys.Add(Key(Hashing.Mix(Hashing.Mix(0x4E554D53UL ^ Hashing.Of(figures[i])) ^ Hashing.Of(figures[j]))));
        return keys.Distinct().ToList();
    }

    /// <summary>Years say little about which story it is (every story of a year has one).</summary>
    private static bool IsYear(string n) => n.Length == 4 && n[0] is '1' or '2' && int.Parse(n) is >= 1900 and <= 2100;

    /// <summary>SQLite integers are signed 64-bit.</summary>
    private static long Key(ulong h) => unchecked((long)h);
}
