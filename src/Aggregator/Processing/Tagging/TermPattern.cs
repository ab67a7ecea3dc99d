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
        var alternatives = terms
            .Select(t => t.Trim())
            .Where(t => t.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(t => t.Length) // longest first: "North Korea" before "Korea"
            .Select(Alternative)
            .ToList();
        return alternatives.Count == 0
            ? null
            : new Regex(string.Join("|", alternatives), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

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
        if (term.Any(c => Parsing.Scripts.IsCjk(Parsing.Scripts.Of(c))))
            return "(?:" + core + ")";
        var start = char.IsLetterOrDigit(term[0]) ? @"(?<![\p{L}\p{N}])" : "";
        var end = prefix ? @"[\p{L}\p{M}]*" : char.IsLetterOrDigit(term[^1]) || term[^1] == '.' ? @"(?![\p{L}\p{N}])" : "";
        return "(?:" + start + core + end + ")";
    }
}
