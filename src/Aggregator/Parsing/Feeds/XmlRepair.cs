using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Feeds;

/// <summary>Repairs the breakage real feeds ship with, before an XML parser sees them: text
/// before the root element, control characters XML forbids, HTML entities no DTD declares
/// (&amp;nbsp; &amp;eacute;) and bare ampersands. Each repair is reported, so the feed is
/// flagged (feedparser's "bozo") while its entries are kept.</summary>
public static partial class XmlRepair
{
    private static readonly HashSet<string> XmlEntities = ["amp", "lt", "gt", "quot", "apos"];

    public static (string Text, IReadOnlyList<string> Problems) Repair(string text)
    {
        var problems = new List<string>();

        var start = FirstMarkup().Match(text);
        if (start.Success && start.Index > 0 && text[..start.Index].Trim().Length > 0)
        {
            problems.Add($"{start.Index} characters of text before the root element were skipped");
            text = text[start.Index..];
        }
        else if (start.Success && start.Index > 0)
        {
            text = text[start.Index..]; // whitespace before the XML declaration is itself an error
        }

        if (ControlCharacters().IsMatch(text))
        {
            problems.Add("control characters that XML forbids were removed");
            text = ControlCharacters().Replace(text, "");
        }

        var undeclared = new SortedSet<string>(StringComparer.Ordinal);
        var bare = false;
        text = Ampersands().Replace(text, m =>
        {
            if (m.Groups["num"].Success) return m.Value;
            if (m.Groups["name"].Success)
            {
                var name = m.Groups["name"].Value;
                if (XmlEntities.Contains(name)) return m.Value;
                undeclared.Add(name);
                var decoded = WebUtility.HtmlDecode(m.Value);
                return decoded == m.Value ? "&amp;" + name + ";" : NumericReferences(decoded);
            }
            bare = true;
            return "&amp;";
        });
        if (undeclared.Count > 0)
            problems.Add("undeclared entities " + string.Join(", ", undeclared.Take(5).Select(n => "&" + n + ";")) + (undeclared.Count > 5 ? ", …" : ""));
        if (bare)
            problems.Add("bare ampersands were escaped");
        return (text, problems);
    }

    private static string NumericReferences(string s)
    {
        var sb = new StringBuilder();
        foreach (var rune in s.EnumerateRunes())
            sb.Append("&#").Append(rune.Value).Append(';');
        return sb.ToString();
    }

    [GeneratedRegex(@"<(\?xml|!--|!DOCTYPE|[A-Za-z_])")]
    private static partial Regex FirstMarkup();

    [GeneratedRegex(@"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]")]
    private static partial Regex ControlCharacters();

    /// <summary>Every ampersand: a character reference, an entity reference, or bare. Inside
    /// CDATA sections nothing is an entity, so those are matched whole and left alone.</summary>
    [GeneratedRegex(@"<!\[CDATA\[.*?\]\]>(?<num>)|&(?:(?<num>#[0-9]+;|#x[0-9A-Fa-f]+;)|(?<name>[A-Za-z][A-Za-z0-9]*);)?", RegexOptions.Singleline)]
    private static partial Regex Ampersands();
}
