using System.Globalization;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing;

/// <summary>Finds a full calendar date (with a year) written in text, in the forms news pages
/// use across languages: ISO, 2025.09.05, 2025年9月5日, 2025년 9월 5일 오후 3:20, 9 september 2025,
/// 5. September 2025, 9 de septiembre de 2025, September 9, 2025, ngày 5 tháng 9 năm 2025.
/// Returns UTC; a date without a time is midnight UTC. A local time without a zone is in the zone
/// its own words give (오후 and 午後: Korea and Japan, UTC+9; 下午: China, UTC+8), else in the
/// zone of the language it is written in (<see cref="LanguageZone"/>), else UTC.</summary>
public static partial class DateText
{
    /// <param name="language">The language of the text around the date (a feed's language), for
    /// the zone of a local time that names none.</param>
    public static DateTime? Find(string text, string? language = null)
    {
        foreach (var finder in Finders)
        {
            var m = finder.Regex.Match(text);
            while (m.Success)
            {
                if (finder.Build(m, language) is { } date)
                    return date;
                m = m.NextMatch();
            }
        }
        return null;
    }

    /// <summary>Where a language's news is written: Korean and Japanese UTC+9, Chinese UTC+8.
    /// Other languages span too many zones to guess one.</summary>
    public static TimeSpan? LanguageZone(string? language) =>
        language is null ? null
        : language.StartsWith("ko", StringComparison.OrdinalIgnoreCase) || language.StartsWith("ja", StringComparison.OrdinalIgnoreCase) ? TimeSpan.FromHours(9)
        : language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? TimeSpan.FromHours(8)
        : null;

    /// <summary>A date plus the text around it: how many words the line has besides the date.</summary>
    public static (DateTime? Date, string Remainder) FindWithRest(string text)
    {
        foreach (var finder in Finders)
        {
            for (var m = finder.Regex.Match(text); m.Success; m = m.NextMatch())
                if (finder.Build(m, null) is { } date)
                    return (date, text.Remove(m.Index, m.Length));
        }
        return (null, text);
    }

    private sealed record Finder(Regex Regex, Func<Match, string?, DateTime?> Build);

    private static readonly Finder[] Finders =
    [
        new(Iso(), (m, l) => Make(m, "y", "mo", "d", l)),
        new(Cjk(), (m, l) => Make(m, "y", "mo", "d", l)),
        new(JapaneseEra(), (m, _) => Make(m, "y", "mo", "d", "ja")), // an era year is Japan's, whatever the feed's language
        new(Korean(), (m, _) => Make(m, "y", "mo", "d", "ko")),
        new(Vietnamese(), (m, l) => Make(m, "y", "mo", "d", l)),
        new(Slashed(), (m, l) => int.Parse(m.Groups["a"].Value, CultureInfo.InvariantCulture) > 12 ? Make(m, "y", "b", "a", l)
            : int.Parse(m.Groups["b"].Value, CultureInfo.InvariantCulture) > 12 ? Make(m, "y", "a", "b", l)
            : null), // 9/5/2025 is 9 May in most of the world and 5 September in the US
        new(DayMonthName(), (m, l) => Make(m, "y", "name", "d", l)),
        new(MonthNameDay(), (m, l) => Make(m, "y", "name", "d", l)),
        new(Dotted(), (m, l) => Make(m, "y", "mo", "d", l)),
    ];

    private static DateTime? Make(Match m, string year, string month, string day, string? language)
    {
        var y = m.Groups["era"].Success ? EraYear(m) : int.Parse(m.Groups[year].Value, CultureInfo.InvariantCulture);
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
            var marker = m.Groups["pm"].Success ? m.Groups["pm"].Value : m.Groups["ampm"].Value.Replace(".", "", StringComparison.Ordinal).ToUpperInvariant();
            if (marker is "오후" or "下午" or "午後" or "PM" && h < 12) h += 12;
            else if (marker is "오전" or "上午" or "午前" or "AM" && h == 12) h = 0; // 12:30 AM is half past midnight
            if (h > 23 || min > 59)
                return date;
            date = date.AddHours(h).AddMinutes(min);
            var zone = m.Groups["zone"].Value;
            date -= zone.Length > 0 ? ZoneOffset(zone) : MarkerZone(marker) ?? LanguageZone(language) ?? TimeSpan.Zero;
        }
        return date;
    }

    /// <summary>오전/오후 are Korean, 午前/午後 Japanese: UTC+9 both; 上午/下午 are Chinese: UTC+8.</summary>
    private static TimeSpan? MarkerZone(string marker) => marker switch
    {
        "오전" or "오후" or "午前" or "午後" => TimeSpan.FromHours(9),
        "上午" or "下午" => TimeSpan.FromHours(8),
        _ => null,
    };

    /// <summary>Japanese era years: 令和 began in 2019 and 平成 in 1989, each with its year 1 (元年).</summary>
    private static int EraYear(Match m)
    {
        var n = m.Groups["ey"].Value == "元" ? 1 : int.Parse(m.Groups["ey"].Value, CultureInfo.InvariantCulture);
        return (m.Groups["era"].Value == "令和" ? 2018 : 1988) + n;
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
        var m = Offset().Match(zone.StartsWith("GMT", StringComparison.Ordinal) || zone.StartsWith("UTC", StringComparison.Ordinal) ? zone[3..] : zone);
        if (!m.Success) return TimeSpan.Zero;
        var span = new TimeSpan(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), 0);
        return m.Groups[1].Value == "-" ? -span : span;
    }

    /// <summary>A weekday in brackets between a date and its time: "(金)", "（木曜日）", "(금)", "(星期五)".</summary>
    private const string Weekday = @"[(（](?:星期|周|週)?[月火水木金土日一二三四五六天월화수목금토일](?:曜日|曜|요일)?[)）]";

    /// <summary>What comes between a date and its time: "T", a space (", kl.", " à", " um", " at", " lúc"), or a weekday in brackets.</summary>
    private const string BeforeTime = @"(?:\s*" + Weekday + @"\s*|T|,?\s+(?:kl\.|à|um|at|lúc)?\s*)";

    private const string Meridiem = @"(?:(?<pm>오전|오후|上午|下午|午前|午後)\s*)?";

    /// <summary>An optional clock time after the date: "T07:45:00+09:00", " 오후 3:20", ", 14:32 Uhr",
    /// " kl. 14.30", " à 08h15", " 10.00 BST", " 15:20:00 GMT+0900", and in Han and Hangul with
    /// hour and minute marks (" 21時05分", "15时20分", "15点20分", " 15시 20분"), which need no space
    /// after 日 ("5日15時20分"). A weekday in brackets may come between ("2025年9月5日（金）15時20分",
    /// "2025.09.05 (금) 15:20"). Marked times need their minute mark: "12点 30万人" (30,000 people
    /// at 12) and "6点5级地震" (a magnitude 6.5 earthquake) are no times.</summary>
    private const string Time = @"(?:(?:" + BeforeTime + Meridiem + @"(?<h>\d{1,2})[:hH.](?<min>\d{2})(?!\d)(?::\d{2}(?:\.\d+)?)?"
        + @"|(?:" + BeforeTime + @"|(?<=日))" + Meridiem + @"(?<h>\d{1,2})\s*[時时点시]\s*(?<min>\d{1,2})\s*[分분])"
        + @"(?:\s*(?<ampm>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?\s*(?<zone>Z|(?:GMT|UTC)?[+-]\d{2}:?\d{2}|KST|JST|CST|HKT|BJT|UTC|GMT|BST|CET|CEST|MSK|ICT)?)?";

    [GeneratedRegex(@"(?<!\d)(?<y>\d{4})-(?<mo>\d{1,2})-(?<d>\d{1,2})(?!\d)" + Time)]
    private static partial Regex Iso();

    [GeneratedRegex(@"(?<y>\d{4})\s*年\s*(?<mo>\d{1,2})\s*月\s*(?<d>\d{1,2})\s*日" + Time)]
    private static partial Regex Cjk();

    [GeneratedRegex(@"(?<y>\d{4})\s*년\s*(?<mo>\d{1,2})\s*월\s*(?<d>\d{1,2})\s*일(?:\s*\([월화수목금토일]\))?" + Time)]
    private static partial Regex Korean();

    [GeneratedRegex(@"(?<era>令和|平成)(?<ey>\d{1,2}|元)\s*年\s*(?<mo>\d{1,2})\s*月\s*(?<d>\d{1,2})\s*日" + Time)]
    private static partial Regex JapaneseEra();

    [GeneratedRegex(@"ngày\s+(?<d>\d{1,2})\s+tháng\s+(?<mo>\d{1,2})\s+năm\s+(?<y>\d{4})" + Time, RegexOptions.IgnoreCase)]
    private static partial Regex Vietnamese();

    /// <summary>25/9/2025 (day first, most of the world) and 9/25/2025 (month first, the US): read
    /// only when one of the two numbers is over 12, so that it can only be the day.</summary>
    [GeneratedRegex(@"(?<!\d)(?<a>\d{1,2})/(?<b>\d{1,2})/(?<y>\d{4})(?!\d)" + Time)]
    private static partial Regex Slashed();

    [GeneratedRegex(@"(?<!\d)(?<d>\d{1,2})(?:\.|er)?\s+(?:de\s+)?(?<name>\p{L}+)\.?,?\s+(?:de\s+|del\s+)?(?<y>\d{4})(?!\d)" + Time, RegexOptions.IgnoreCase)]
    private static partial Regex DayMonthName();

    [GeneratedRegex(@"(?<name>\p{L}+)\.?\s+(?<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<y>\d{4})(?!\d)" + Time, RegexOptions.IgnoreCase)]
    private static partial Regex MonthNameDay();

    /// <summary>2025.09.05, 2025/09/05, and Naver's "2025. 9. 5. 오후 3:20".</summary>
    [GeneratedRegex(@"(?<!\d)(?<y>\d{4})[./]\s?(?<mo>\d{1,2})[./]\s?(?<d>\d{1,2})(?!\d)\.?" + Time)]
    private static partial Regex Dotted();

    [GeneratedRegex(@"^([+-])(\d{2}):?(\d{2})$")]
    private static partial Regex Offset();
}
