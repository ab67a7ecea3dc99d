using System.Globalization;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing;

/// <summary>Finds a full calendar date (with a year) written in text, in the forms news pages
/// use across languages: ISO, 2025.09.05, 2025年9月5日, 2025년 9월 5일 오후 3:20, 9 september 2025,
/// 5. September 2025, 9 de septiembre de 2025, September 9, 2025, ngày 5 tháng 9 năm 2025.
/// Returns UTC; a date without a time is midnight UTC, a local time without a zone is taken as UTC.</summary>
public static partial class DateText
{
    public static DateTime? Find(string text)
    {
        foreach (var finder in Finders)
        {
            var m = finder.Regex.Match(text);
            while (m.Success)
            {
                if (finder.Build(m) is { } date)
                    return date;
                m = m.NextMatch();
            }
        }
        return null;
    }

    /// <summary>A date plus the text around it: how many words the line has besides the date.</summary>
    public static (DateTime? Date, string Remainder) FindWithRest(string text)
    {
        foreach (var finder in Finders)
        {
            for (var m = finder.Regex.Match(text); m.Success; m = m.NextMatch())
                if (finder.Build(m) is { } date)
                    return (date, text.Remove(m.Index, m.Length));
        }
        return (null, text);
    }

    private sealed record Finder(Regex Regex, Func<Match, DateTime?> Build);

    private static readonly Finder[] Finders =
    [
        new(Iso(), m => Make(m, "y", "mo", "d")),
        new(Cjk(), m => Make(m, "y", "mo", "d")),
        new(Korean(), m => Make(m, "y", "mo", "d")),
        new(Vietnamese(), m => Make(m, "y", "mo", "d")),
        new(DayMonthName(), m => Make(m, "y", "name", "d")),
        new(MonthNameDay(), m => Make(m, "y", "name", "d")),
        new(Dotted(), m => Make(m, "y", "mo", "d")),
    ];

    private static DateTime? Make(Match m, string year, string month, string day)
    {
        var y = int.Parse(m.Groups[year].Value, CultureInfo.InvariantCulture);
        var mo = month == "name"
            ? MonthNames.Numbers.GetValueOrDefault(m.Groups["name"].Value.TrimEnd('.'))
            : int.Parse(m.Groups[month].Value, CultureInfo.InvariantCulture);
        var d = int.Parse(m.Groups[day].Value, CultureInfo.InvariantCulture);
        if (y is < 1990 or > 2100 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo))
            return null;
        var date = new DateTime(y, mo, d, 0, 0, 0, DateTimeKind.Utc);
        if (m.Groups["h"].Success)
        {
            var h = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            var min = int.Parse(m.Groups["min"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["pm"].Success && m.Groups["pm"].Value is "오후" or "下午" or "午後" && h < 12) h += 12;
            if (h > 23 || min > 59)
                return date;
            date = date.AddHours(h).AddMinutes(min);
            date -= ZoneOffset(m.Groups["zone"].Value);
        }
        return date;
    }

    /// <summary>Zone abbreviations of the region's sources; an unknown or absent zone is UTC.</summary>
    private static TimeSpan ZoneOffset(string zone)
    {
        zone = zone.Trim();
        if (zone.Length == 0) return TimeSpan.Zero;
        if (zone is "KST" or "JST") return TimeSpan.FromHours(9);
        if (zone is "CST" or "HKT" or "BJT") return TimeSpan.FromHours(8); // CST here is China Standard Time
        if (zone is "Z" or "UTC" or "GMT") return TimeSpan.Zero;
        if (zone is "BST" or "CET") return TimeSpan.FromHours(1);
        if (zone is "CEST") return TimeSpan.FromHours(2);
        if (zone is "MSK") return TimeSpan.FromHours(3);
        if (zone is "ICT") return TimeSpan.FromHours(7);
        var m = Offset().Match(zone);
        if (!m.Success) return TimeSpan.Zero;
        var span = new TimeSpan(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), 0);
        return m.Groups[1].Value == "-" ? -span : span;
    }

    /// <summary>An optional clock time after the date: "T07:45:00+09:00", " 오후 3:20", " 21時05分",
    /// ", 14:32 Uhr", " kl. 14.30", " à 08h15", " 10.00 BST".</summary>
    private const string Time = @"(?:(?:T|,?\s+(?:kl\.|à|um|at|lúc)?\s*)(?:(?<pm>오전|오후|上午|下午|午前|午後)\s*)?(?<h>\d{1,2})[:時시hH.](?<min>\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?<zone>Z|[+-]\d{2}:?\d{2}|KST|JST|CST|HKT|BJT|UTC|GMT|BST|CET|CEST|MSK|ICT)?)?";

    [GeneratedRegex(@"(?<!\d)(?<y>\d{4})-(?<mo>\d{1,2})-(?<d>\d{1,2})(?!\d)" + Time)]
    private static partial Regex Iso();

    [GeneratedRegex(@"(?<y>\d{4})\s*年\s*(?<mo>\d{1,2})\s*月\s*(?<d>\d{1,2})\s*日" + Time)]
    private static partial Regex Cjk();

    [GeneratedRegex(@"(?<y>\d{4})\s*년\s*(?<mo>\d{1,2})\s*월\s*(?<d>\d{1,2})\s*일(?:\s*\([월화수목금토일]\))?" + Time)]
    private static partial Regex Korean();

    [GeneratedRegex(@"ngày\s+(?<d>\d{1,2})\s+tháng\s+(?<mo>\d{1,2})\s+năm\s+(?<y>\d{4})|(?<d>\d{1,2})/(?<mo>\d{1,2})/(?<y>\d{4})", RegexOptions.IgnoreCase)]
    private static partial Regex Vietnamese();

    [GeneratedRegex(@"(?<!\d)(?<d>\d{1,2})(?:\.|er)?\s+(?:de\s+)?(?<name>\p{L}+)\.?,?\s+(?:de\s+|del\s+)?(?<y>\d{4})(?!\d)" + Time, RegexOptions.IgnoreCase)]
    private static partial Regex DayMonthName();

    [GeneratedRegex(@"(?<name>\p{L}+)\.?\s+(?<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<y>\d{4})(?!\d)" + Time, RegexOptions.IgnoreCase)]
    private static partial Regex MonthNameDay();

    [GeneratedRegex(@"(?<!\d)(?<y>\d{4})[./](?<mo>\d{1,2})[./](?<d>\d{1,2})(?!\d)" + Time)]
    private static partial Regex Dotted();

    [GeneratedRegex(@"^([+-])(\d{2}):?(\d{2})$")]
    private static partial Regex Offset();
}
