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
    /// <summary>An item with more distinct grams than this (a very long body) is not indexed: it
    /// stays among the items every search reads whole, which keeps the index's rows bounded.</summary>
    public const int MaxPerItem = 40_000;

    /// <summary>The distinct grams of an item's title and body; null when there are more than
    /// <see cref="MaxPerItem"/>.</summary>
    public static IReadOnlyCollection<string>? OfItem(string title, string body)
    {
        var grams = new HashSet<string>(StringComparer.Ordinal);
        return Add(grams, title) && Add(grams, body) ? grams : null;
    }

    /// <summary>The grams one search word needs (every one of them, in any order), from each run
    /// of letters and digits in it: a run of three or more characters gives its trigrams, a
    /// shorter run itself. Empty for a word of punctuation alone, which the index cannot narrow.</summary>
    public static IReadOnlyList<string> OfWord(string word)
    {
        var grams = new List<string>();
        foreach (var (start, length) in Runs(word))
        {
            if (length < 3)
            {
                grams.Add(Lower(word.AsSpan(start, length)));
                continue;
            }
            for (var i = start; i + 3 <= start + length; i++)
                grams.Add(Lower(word.AsSpan(i, 3)));
        }
        return grams.Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool Add(HashSet<string> grams, string text)
    {
        Span<char> gram = stackalloc char[3];
        foreach (var (start, length) in Runs(text))
            for (var i = start; i < start + length; i++)
                for (var n = 1; n <= 3 && i + n <= start + length; n++)
                {
                    var lowered = gram[..n];
                    text.AsSpan(i, n).ToLowerInvariant(lowered);
                    // Looked up as a span, so a gram the item already has costs no string.
                    if (!grams.GetAlternateLookup<ReadOnlySpan<char>>().Contains(lowered))
                    {
                        grams.Add(lowered.ToString());
                        if (grams.Count > MaxPerItem) return false;
                    }
                }
        return true;
    }

    private static string Lower(ReadOnlySpan<char> text)
    {
        Span<char> lowered = stackalloc char[text.Length];
        text.ToLowerInvariant(lowered);
        return lowered.ToString();
    }

    /// <summary>The maximal runs of letters and digits (UTF-16 code units: a character outside the
    /// Basic Multilingual Plane separates runs, the same way in an item and in a search word).</summary>
    private static IEnumerable<(int Start, int Length)> Runs(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inRun = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inRun && start < 0) start = i;
            else if (!inRun && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
        }
    }
}
