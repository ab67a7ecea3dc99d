using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Processing.Tagging;

/// <summary>Turns a list of terms into one case-insensitive regex. Latin, Cyrillic and other spaced
/// scripts must match whole words ("China" is not "Chinatown"); CJK has no spaces, so terms in
/// Han, Kana or Hangul match anywhere (Korean particles attach to the noun: 중국과, 북한의).
/// Spaces and hyphens inside a term match either ("Kim Jong Un" finds "Kim Jong-un").</summary>
public static class TermPattern
{
    public static Regex? Compile(IEnumerable<string> terms)
    {
        var distinct = terms
            .Select(t => t.Trim())
            .Where(t => t.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(t => t.Length) // longest first: "North Korea" before "Korea"
            .ToList();
        if (distinct.Count == 0) return null;
        // The word-start check is written once, in front of the whole alternation of spaced-script
        // terms, so that the regex engine can still jump between candidate first letters
        // (vectorized) instead of testing a lookbehind at every position.
        var cjk = distinct.Where(IsCjk).Select(Alternative).ToList();
        var spaced = distinct.Where(t => !IsCjk(t)).Select(Alternative).ToList();
        var parts = new List<string>();
        if (spaced.Count > 0) parts.Add(@"(?<![\p{L}\p{N}])(?:" + string.Join("|", spaced) + ")");
        if (cjk.Count > 0) parts.Add("(?:" + string.Join("|", cjk) + ")");
        return new Regex(string.Join("|", parts), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    private static bool IsCjk(string term) => term.Any(c => Parsing.Scripts.IsCjk(Parsing.Scripts.Of(c)));

    private static string Alternative(string term)
    {
        var prefix = term.EndsWith('*');
        if (prefix) term = term[..^1];
        var core = new StringBuilder();
        foreach (var c in term)
            core.Append(c switch
            {
                ' ' or '-' => @"[\s\-‐‑]{0,2}",
                '\'' or '’' => "['’]?",
                '.' => @"\.?",
                _ => Regex.Escape(c.ToString()),
            });
        if (IsCjk(term))
            return core.ToString();
        var end = prefix ? @"[\p{L}\p{M}]*" : char.IsLetterOrDigit(term[^1]) || term[^1] == '.' ? @"(?![\p{L}\p{N}])" : "";
        return core + end;
    }
}
