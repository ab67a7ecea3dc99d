using System.Globalization;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Feeds;

/// <summary>Lenient feed dates: RFC 822 (RSS) with any zone abbreviation or none, two-digit
/// years and missing seconds; W3C/ISO 8601 (Atom, dc:date) with or without a zone or time;
/// asctime; and the forms news pages write in Korean, Chinese and Japanese. A date that
/// cannot be read is null: the entry is kept without it.</summary>
public static partial class FeedDates
{
    public static DateTime? Parse(string? value, string? language = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        return Strict(value, language, out var strict) ? strict : ByPatterns(value, language);
    }

    /// <summary>Every form, by regular expressions: the reference the fast path is tested against.</summary>
    internal static DateTime? ByPatterns(string value, string? language) =>
        Iso(value, language) ?? Rfc822(value, language) ?? Asctime(value) ?? Epoch(value) ?? DateText.Find(value, language);

    /// <summary>Unix time in seconds (10 digits) or milliseconds (13), as some generators write it.</summary>
    private static DateTime? Epoch(string value)
    {
        if (value.Length is not (10 or 13) || value.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0) return null;
        if (value.Length == 10 && LooksLikeDigitsOfADate(value)) return null; // 2025090515 is yyyyMMddHH, not 2034
        var number = long.Parse(value, CultureInfo.InvariantCulture);
        var date = value.Length == 10 ? DateTime.UnixEpoch.AddSeconds(number) : DateTime.UnixEpoch.AddMilliseconds(number);
        return date.Year is >= 1990 and <= 2100 ? date : null;
    }

    /// <summary>The two forms nearly every feed writes, read without a regular expression:
    /// RFC 3339 ("2025-03-01T09:30:00Z", "…00.123+09:00") and RFC 822 as RSS writes it
    /// ("Sat, 01 Mar 2025 09:30:00 +0900" or "… GMT"). The regular expressions read them the
    /// same way, allocating a kilobyte or two each (a sixth of what parsing a cold cycle
    /// allocated); anything else, and a date of these forms that is not a real date, goes to them.</summary>
    private static bool Strict(ReadOnlySpan<char> s, string? language, out DateTime? value)
    {
        value = null;
        if (s.Length >= 20 && Digits(s, 0, 4, out var year) && s[4] == '-' && Digits(s, 5, 2, out var month) && s[7] == '-'
            && Digits(s, 8, 2, out var day) && s[10] is 'T' or 't' or ' ' && Digits(s, 11, 2, out var hour) && s[13] == ':'
            && Digits(s, 14, 2, out var minute) && s[16] == ':' && Digits(s, 17, 2, out var second))
        {
            var zone = 19;
            if (s[zone] is '.' or ',' && zone + 1 < s.Length && char.IsAsciiDigit(s[zone + 1]))
                for (zone++; zone < s.Length && char.IsAsciiDigit(s[zone]); zone++) { }
            TimeSpan offset;
            if (zone == s.Length - 1 && s[zone] is 'Z' or 'z') offset = TimeSpan.Zero;
            else if (zone == s.Length - 6 && s[zone] is '+' or '-' && Digits(s, zone + 1, 2, out var zh) && s[zone + 3] == ':' && Digits(s, zone + 4, 2, out var zm))
                offset = s[zone] == '-' ? -new TimeSpan(zh, zm, 0) : new TimeSpan(zh, zm, 0);
            else return false;
            value = Build(year, month, day, hour, minute, second, offset);
            return value is not null;
        }
        // "Sat, 01 Mar 2025 09:30:00 +0900": a day name, then from the day on, fixed positions.
        if (s.Length >= 29 && char.IsAsciiLetter(s[0]) && char.IsAsciiLetter(s[1]) && char.IsAsciiLetter(s[2]) && s[3] == ',' && s[4] == ' '
            && Digits(s, 5, 2, out day) && s[7] == ' ' && MonthOf(s.Slice(8, 3)) is var mon and > 0 && s[11] == ' ' && Digits(s, 12, 4, out year)
            && s[16] == ' ' && Digits(s, 17, 2, out hour) && s[19] == ':' && Digits(s, 20, 2, out minute) && s[22] == ':' && Digits(s, 23, 2, out second)
            && s[25] == ' ')
        {
            var zone = s[26..];
            TimeSpan? offset;
            if (zone.Length == 5 && zone[0] is '+' or '-' && Digits(zone, 1, 2, out var zh) && Digits(zone, 3, 2, out var zm))
                offset = zone[0] == '-' ? -new TimeSpan(zh, zm, 0) : new TimeSpan(zh, zm, 0);
            else if (zone.Length <= 5 && zone.IndexOfAnyExcept(AsciiLetters) < 0)
                offset = ZoneOffset(zone.ToString(), language);
            else return false;
            value = Build(year, mon, day, hour, minute, second, offset);
            return value is not null;
        }
        return false;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
            value = value * 10 + (s[i] - '0');
        }
        return true;
    }

    private static int MonthOf(ReadOnlySpan<char> name)
    {
        Span<char> lower = stackalloc char[3];
        return name.IndexOfAnyExcept(AsciiLetters) < 0 && name.ToLowerInvariant(lower) == 3 && MonthNames.TryGetValue(lower, out var month) ? month : 0;
    }

    private static bool LooksLikeDigitsOfADate(string v) =>
        int.Parse(v.AsSpan(0, 4), CultureInfo.InvariantCulture) is >= 1990 and <= 2100
        && int.Parse(v.AsSpan(4, 2), CultureInfo.InvariantCulture) is >= 1 and <= 12
        && int.Parse(v.AsSpan(6, 2), CultureInfo.InvariantCulture) is >= 1 and <= 31
        && int.Parse(v.AsSpan(8, 2), CultureInfo.InvariantCulture) <= 23;

    private static DateTime? Iso(string value, string? language)
    {
        var m = IsoPattern().Match(value);
        if (!m.Success) return null;
        var year = Int(m, "y");
        var month = m.Groups["mo"].Success ? Int(m, "mo") : 1;
        var day = m.Groups["d"].Success ? Int(m, "d") : 1;
        if (m.Groups["doy"].Success)
        {
            var doy = Int(m, "doy");
            if (doy is < 1 or > 366) return null;
            var date = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(doy - 1);
            (month, day) = (date.Month, date.Day);
        }
        return Build(year, month, day, m, Zone(m, null, language));
    }

    /// <summary>The zone a date names; a local time that names none is in the zone of the feed's
    /// language where it has one (a Korean feed's "2025-09-05T15:20:00" is 15:20 in Seoul), else UTC.</summary>
    private static TimeSpan? Zone(Match m, string? named, string? language) =>
        m.Groups["zone"].Value.Trim().Length > 0 || !m.Groups["h"].Success ? ZoneOffset(m.Groups["zone"].Value, named)
        : DateText.LanguageZone(language) ?? TimeSpan.Zero;

    private static DateTime? Rfc822(string value, string? language)
    {
        var m = Rfc822Pattern().Match(value);
        if (!m.Success) return null;
        if (!Months.TryGetValue(m.Groups["mon"].Value[..3].ToLowerInvariant(), out var month)) return null;
        var year = Int(m, "y");
        if (m.Groups["y"].Value.Length == 2) year += year < 50 ? 2000 : 1900;
        return Build(year, month, Int(m, "d"), m, Zone(m, language, language));
    }

    private static DateTime? Asctime(string value)
    {
        var m = AsctimePattern().Match(value);
        if (!m.Success || !Months.TryGetValue(m.Groups["mon"].Value[..3].ToLowerInvariant(), out var month)) return null;
        return Build(Int(m, "y"), month, Int(m, "d"), m, ZoneOffset(m.Groups["zone"].Value, null));
    }

    private static DateTime? Build(int year, int month, int day, Match m, TimeSpan? offset)
    {
        var hour = m.Groups["h"].Success ? Int(m, "h") : 0;
        if (m.Groups["ampm"].Value.ToUpperInvariant() is var half && half == "PM" && hour < 12) hour += 12; // "3:20 PM"
        else if (half == "AM" && hour == 12) hour = 0; // "12:30 AM" is half past midnight
        return Build(year, month, day, hour, m.Groups["min"].Success ? Int(m, "min") : 0, m.Groups["s"].Success ? Int(m, "s") : 0, offset);
    }

    private static DateTime? Build(int year, int month, int day, int hour, int minute, int second, TimeSpan? offset)
    {
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return null;
        if (hour == 24 && minute == 0 && second == 0) { hour = 0; day++; }
        if (hour > 23 || minute > 59 || second > 60) return null;
        if (second == 60) second = 59; // leap second
        try
        {
            var local = new DateTime(year, 1, 1, hour, minute, second, DateTimeKind.Utc).AddMonths(month - 1).AddDays(day - 1);
            return local - (offset ?? TimeSpan.Zero);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>RFC 822 §5.1 zones, military letters, numeric offsets, and the zones of the
    /// region's feeds. CST is US Central as RFC 822 defines it, except in a Chinese-language
    /// feed, where it means China Standard Time.</summary>
    private static TimeSpan? ZoneOffset(string zone, string? language)
    {
        zone = zone.Trim().ToUpperInvariant();
        if (zone.Length == 0 || zone is "Z" or "UT" or "UTC" or "GMT") return TimeSpan.Zero;
        var m = NumericZone().Match(zone);
        if (m.Success)
        {
            var hours = int.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            var minutes = m.Groups[3].Success ? int.Parse(m.Groups[3].ValueSpan, CultureInfo.InvariantCulture) : 0;
            var span = new TimeSpan(hours, minutes, 0);
            return m.Groups[1].Value == "-" ? -span : span;
        }
        if (zone == "CST" && language?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true) return TimeSpan.FromHours(8);
        return Zones.TryGetValue(zone, out var hoursOffset) ? TimeSpan.FromHours(hoursOffset) : TimeSpan.Zero;
    }

    private static readonly Dictionary<string, double> Zones = new()
    {
        ["EST"] = -5,
        ["EDT"] = -4,
        ["CST"] = -6,
        ["CDT"] = -5,
        ["MST"] = -7,
        ["MDT"] = -6,
        ["PST"] = -8,
        ["PDT"] = -7,
        ["AST"] = -4,
        ["ADT"] = -3,
        ["HST"] = -10,
        ["AKST"] = -9,
        ["AKDT"] = -8,
        ["KST"] = 9,
        ["JST"] = 9,
        ["HKT"] = 8,
        ["SGT"] = 8,
        ["BJT"] = 8,
        ["CCT"] = 8,
        ["PHT"] = 8,
        ["ICT"] = 7,
        ["IST"] = 5.5,
        ["BST"] = 1,
        ["CET"] = 1,
        ["CEST"] = 2,
        ["EET"] = 2,
        ["EEST"] = 3,
        ["MSK"] = 3,
        ["WET"] = 0,
        ["WEST"] = 1,
        ["AEST"] = 10,
        ["AEDT"] = 11,
        ["NZST"] = 12,
        ["NZDT"] = 13,
        // RFC 822 military zones (with RFC 1123's note that their signs were often wrong; as written).
        ["A"] = -1,
        ["B"] = -2,
        ["C"] = -3,
        ["D"] = -4,
        ["E"] = -5,
        ["F"] = -6,
        ["G"] = -7,
        ["H"] = -8,
        ["I"] = -9,
        ["K"] = -10,
        ["L"] = -11,
        ["M"] = -12,
        ["N"] = 1,
        ["O"] = 2,
        ["P"] = 3,
        ["Q"] = 4,
        ["R"] = 5,
        ["S"] = 6,
        ["T"] = 7,
        ["U"] = 8,
        ["V"] = 9,
        ["W"] = 10,
        ["X"] = 11,
        ["Y"] = 12,
    };

    private static readonly Dictionary<string, int> Months = new(StringComparer.Ordinal)
    {
        ["jan"] = 1,
        ["feb"] = 2,
        ["mar"] = 3,
        ["apr"] = 4,
        ["may"] = 5,
        ["jun"] = 6,
        ["jul"] = 7,
        ["aug"] = 8,
        ["sep"] = 9,
        ["oct"] = 10,
        ["nov"] = 11,
        ["dec"] = 12,
    };

    // After Months: static fields are initialized in the order they are written.
    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> MonthNames = Months.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly System.Buffers.SearchValues<char> AsciiLetters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private const string Clock = @"(?<h>\d{1,2}):(?<min>\d{2})(?::(?<s>\d{2}))?(?:[.,]\d+)?";

    [GeneratedRegex(@"^(?<y>\d{4})(?:-?(?:(?<doy>\d{3})|(?<mo>\d{2})(?:-?(?<d>\d{2}))?))?(?:[T\s]+(?<h>\d{2}):?(?<min>\d{2})(?::?(?<s>\d{2}))?(?:[.,]\d+)?)?\s*(?<zone>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoPattern();

    [GeneratedRegex(@"^(?:[A-Za-z]{2,9}\.?,?\s*)?(?<d>\d{1,2})(?:\s+|-)(?<mon>[A-Za-z]{3,9})\.?(?:\s+|-)(?<y>\d{4}|\d{2})(?:\s+|T)?(?:" + Clock + @"(?:\s*(?<ampm>[AaPp][Mm])(?![A-Za-z]))?)?\s*(?<zone>(?:(?:GMT|UTC|UT)\s*)?[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})?\.?$")]
    private static partial Regex Rfc822Pattern();

    [GeneratedRegex(@"^[A-Za-z]{3}\s+(?<mon>[A-Za-z]{3})\s+(?<d>\d{1,2})\s+" + Clock + @"(?:\s+(?<zone>[A-Za-z]{1,5}|[+-]\d{4}))?\s+(?<y>\d{4})$")]
    private static partial Regex AsctimePattern();

    /// <summary>"+0900", "+09:00", "-05", and as some servers write them "GMT+0900", "UTC+9".</summary>
    [GeneratedRegex(@"^(?:(?:GMT|UTC|UT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$")]
    private static partial Regex NumericZone();
}
