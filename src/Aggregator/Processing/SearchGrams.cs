namespace Aggregator.Processing;

/// <summary>The keys of the search index (Storage/SearchIndex): the character 1-, 2- and 3-grams
/// of every run of letters and digits in an item's title and body, in lower case. A search word
/// matches as a substring (the river page's `?q=`, a LIKE over title and body), and substrings are
/// what our readers need: Chinese and Japanese have no spaces between words, Korean attaches
/// particles ("중국과"), Swedish writes compounds ("Sydkorea", "kinapolitiken"). Any substring of
/// three or more characters has all its trigrams among the text's, one of two characters is one
/// bigram ("韩国", "한중", "EU"), one of one character is one unigram. So the index narrows a
/// search to candidates that hold every gram of every word, and the LIKE decides among them:
/// what a search finds is the same with or without the index.</summary>
public static class SearchGrams
{
    /// <summary>Changed whenever the grams of the same text change (the folding, the runs): the
    /// indexer then indexes every item again (Storage/SearchIndex).</summary>
    public const string Version = "2";

    /// <summary>An item with more distinct grams than this (a very long body) is not indexed: it
    /// stays among the items every search reads whole, which keeps the index's rows bounded.</summary>
    public const int MaxPerItem = 40_000;

    /// <summary>The distinct grams of an item's title and body; null when there are more than
    /// <see cref="MaxPerItem"/>.</summary>
    public static IReadOnlyCollection<string>? OfItem(string title, string body)
    {
        var grams = new HashSet<string>(StringComparer.Ordinal);
        var lookup = grams.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var text in new[] { Folded(title), Folded(body) })
            foreach (var (start, length) in Runs(text))
                for (var i = start; i < start + length; i++)
                    for (var n = 1; n <= 3 && i + n <= start + length; n++)
                        if (lookup.Add(text.AsSpan(i, n)) && grams.Count > MaxPerItem)
                            return null;
        return grams;
    }

    /// <summary>The grams one search word needs (every one of them, in any order), from each run
    /// of letters and digits in it: a run of three or more characters gives its trigrams, a
    /// shorter run itself. Empty for a word of punctuation alone, which the index cannot narrow.</summary>
    public static IReadOnlyList<string> OfWord(string word)
    {
        var text = Folded(word);
        var grams = new List<string>();
        foreach (var (start, length) in Runs(text))
        {
            if (length < 3)
            {
                grams.Add(text.Substring(start, length));
                continue;
            }
            for (var i = start; i + 3 <= start + length; i++)
                grams.Add(text.Substring(i, 3));
        }
        return grams.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The text folded coarser than any database's case-insensitive LIKE: lower case,
    /// and what PostgreSQL lowers differently from .NET made one letter (İ and ı as i, final ς
    /// as σ: ICU lowers Σ to ς at a word's end, glibc İ to i), combining marks dropped (ICU
    /// lowers İ to i and a combining dot). Whatever the database takes for a match then holds
    /// the same grams. Characters that are not letters or digits become spaces.</summary>
    private static string Folded(string text) => string.Create(text.Length, text, static (folded, text) =>
    {
        var n = 0;
        foreach (var c in text)
        {
            if (char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark) continue;
            folded[n++] = !char.IsLetterOrDigit(c) ? ' ' : char.ToLowerInvariant(c) switch
            {
                '\u0130' or '\u0131' => 'i',
                '\u03C2' => '\u03C3',
                var lower => lower,
            };
        }
        folded[n..].Fill(' ');
    });

    /// <summary>The runs of a folded text between its spaces (UTF-16 code units: a character
    /// outside the Basic Multilingual Plane separates runs, the same way in an item and in a
    /// search word).</summary>
    private static IEnumerable<(int Start, int Length)> Runs(string folded)
    {
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var inRun = i < folded.Length && folded[i] != ' ';
            if (inRun && start < 0) start = i;
            else if (!inRun && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
        }
    }
}
