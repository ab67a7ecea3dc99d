using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Documents;

/// <summary>The dateline that opens a wire story ("BEIJING, Oct. 6 (Xinhua) --",
/// "(서울=연합뉴스) 김철수 기자 =", "新华社北京10月6日电", "【北京共同】") is not article text;
/// the agency it names is the outlet.</summary>
public static partial class Datelines
{
    public static (string Remainder, string? Agency, string? Reporter) Strip(string paragraph)
    {
        foreach (var pattern in new[] { Latin(), Slashed(), Korean(), Chinese(), Japanese() })
        {
            var m = pattern.Match(paragraph);
            if (m.Success && m.Length < paragraph.Length)
                return (paragraph[m.Length..].TrimStart(), Group(m, "agency"), Group(m, "reporter"));
        }
        return (paragraph, null, null);
    }

    /// <summary>How long the wire dateline opening a text is, when it is one for certain: a Latin
    /// one needs its agency, a date after the place or a second place ("BEIJING (Reuters) -",
    /// "SEOUL, Sept. 5 --", "SEOUL/SHANGHAI —"), since a bare capitalized slug ("KOREA-CHINA SUMMIT - …") is as often a kicker; a Korean
    /// one's reporter must be followed by "=" ("김철수 기자 =", not "중국 특파원단이").</summary>
    public static int WireLength(string text)
    {
        // Every pattern is anchored at a capital, "(", "【" or an agency's first character: most
        // texts are ruled out by their first one, without a regex.
        if (text.Length < 2 || !(text[0] is '(' or '【' or '新' or '中' or '人' or '央' || char.IsUpper(text[0]) && char.IsUpper(text[1])))
            return 0;
        if (Latin().Match(text) is { Success: true } latin)
            return latin.Length < text.Length && (latin.Groups["agency"].Success || latin.Groups["when"].Success || latin.Groups["also"].Success) ? latin.Length : 0;
        if (Korean().Match(text) is { Success: true } korean && korean.Length < text.Length)
            return korean.Groups["reporter"].Success && !korean.Value.TrimEnd().EndsWith('=') ? korean.Groups["reporter"].Index : korean.Length;
        foreach (var pattern in new[] { Slashed(), Chinese(), Japanese() })
            if (pattern.Match(text) is { Success: true } m && m.Length < text.Length)
                return m.Length;
        return 0;
    }

    private static string? Group(Match m, string name) =>
        m.Groups[name].Success && m.Groups[name].Value.Trim() is { Length: > 0 } value ? value : null;

    [GeneratedRegex(@"^\p{Lu}{2}[\p{Lu} .'-]*(?<also>/\p{Lu}{2}[\p{Lu} .'-]*)*(?<when>,\s*[^()\n]{1,40}?)?\s*(?:\((?<agency>[^)]{2,40})\))?\s*(?:--|—|–|-)\s+")]
    private static partial Regex Latin();

    /// <summary>TASS and others: "ПЕКИН, 9 сентября. /ТАСС/."</summary>
    [GeneratedRegex(@"^\p{Lu}{2}[\p{Lu} .'-]*,\s*[^/\n]{1,30}?\s*/(?<agency>[^/\n]{2,20})/\.?\s+")]
    private static partial Regex Slashed();

    [GeneratedRegex(@"^\((?<place>[^=)]{1,20})=(?<agency>[^)]{1,20})\)\s*(?:(?<reporter>\p{Lo}{2,4}(?:\s\p{Lo}{2,4})?)\s*(?:기자|특파원)\s*=?\s*)?")]
    private static partial Regex Korean();

    [GeneratedRegex(@"^(?<agency>新华社|新華社|中新社|中新网|人民网|央视新闻)[\p{Lo}\d]{0,20}电(?:（[^）]{0,30}）|\([^)]{0,30}\))?\s*")]
    private static partial Regex Chinese();

    [GeneratedRegex(@"^【(?<place>[^】]{0,10}?)(?<agency>共同|時事|AFP|ＡＦＰ|ロイター|時事通信)?】\s*")]
    private static partial Regex Japanese();
}
