using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Feeds;

/// <summary>The name in an author field. RSS 2.0's &lt;author&gt; is an e-mail address, which
/// publishers write as "kb@kyongbuk.kr (김민수)" (the spec's own example) or, from mail habits,
/// "김민수 &lt;kb@kyongbuk.kr&gt;"; an Atom person with both comes from the readers as "김민수
/// (kb@kyongbuk.kr)", as feedparser writes it. The byline is the name, as feedparser's
/// author_detail reads it. A bare address is all there is, and stays.</summary>
public static partial class Byline
{
    public static string? Name(string? author)
    {
        if (author is null) return null;
        var match = AddressThenName().Match(author);
        if (!match.Success) match = NameThenAddress().Match(author);
        // A display name quoted as mail quotes one ("Kim, Min-su" <kb@…>) is the name inside.
        if (!match.Success) return author;
        var name = match.Groups["name"].Value.Trim();
        if (name.Length >= 2 && name[0] == '"' && name[^1] == '"') name = name[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Trim();
        return name.Length > 0 ? name : author;
    }

    [GeneratedRegex(@"^\s*[^\s@()<>]+@[^\s@()<>]+\s*\((?<name>[^()]+)\)\s*$")]
    private static partial Regex AddressThenName();

    [GeneratedRegex(@"^\s*(?<name>[^<>()@]+?)\s*(?:<[^\s@<>]+@[^\s@<>]+>|\([^\s@()]+@[^\s@()]+\))\s*$")]
    private static partial Regex NameThenAddress();
}
