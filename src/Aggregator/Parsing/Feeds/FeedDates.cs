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
        return Iso(value) ?? Rfc822(value, language) ?? Asctime(value) ?? DateText.Find(value);
    }

    private static DateTime? Iso(string value)
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
        return Build(year, month, day, m, ZoneOffset(m.Groups["zone"].Value, null));
    }

    private static DateTime? Rfc822(string value, string? language)
    {
        var m = Rfc822Pattern().Match(value);
        if (!m.Success) return null;
        if (!Months.TryGetValue(m.Groups["mon"].Value[..3].ToLowerInvariant(), out var month)) return null;
        var year = Int(m, "y");
        if (m.Groups["y"].Value.Length == 2) year += year < 50 ? 2000 : 1900;
        return Build(year, month, Int(m, "d"), m, ZoneOffset(m.Groups["zone"].Value, language));
    }

    private static DateTime? Asctime(string value)
    {
        var m = AsctimePattern().Match(value);
        if (!m.Success || !Months.TryGetValue(m.Groups["mon"].Value[..3].ToLowerInvariant(), out var month)) return null;
        return Build(Int(m, "y"), month, Int(m, "d"), m, ZoneOffset(m.Groups["zone"].Value, null));
    }

    private static DateTime? Build(int year, int month, int day, Match m, TimeSpan? offset)
    {
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return null;
        var hour = m.Groups["h"].Success ? Int(m, "h") : 0;
        var minute = m.Groups["min"].Success ? Int(m, "min") : 0;
        var second = m.Groups["s"].Success ? Int(m, "s") : 0;
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
            var digits = m.Groups[2].Value.Replace(":", "", StringComparison.Ordinal);
            var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
            var minutes = digits.Length >= 4 ? int.Parse(digits[2..4], CultureInfo.InvariantCulture) : 0;
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

    private static readonly Dictionary<string, int> Months = new()
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

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private const string Clock = @"(?<h>\d{1,2}):(?<min>\d{2})(?::(?<s>\d{2}))?(?:[.,]\d+)?";

    [GeneratedRegex(@"^(?<y>\d{4})(?:-?(?:(?<doy>\d{3})|(?<mo>\d{2})(?:-?(?<d>\d{2}))?))?(?:[T\s]+(?<h>\d{2}):?(?<min>\d{2})(?::?(?<s>\d{2}))?(?:[.,]\d+)?)?\s*(?<zone>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoPattern();

    [GeneratedRegex(@"^(?:[A-Za-z]{2,9}\.?,?\s*)?(?<d>\d{1,2})(?:\s+|-)(?<mon>[A-Za-z]{3,9})\.?(?:\s+|-)(?<y>\d{4}|\d{2})(?:\s+|T)?(?:" + Clock + @")?\s*(?<zone>[A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?\.?$")]
    private static partial Regex Rfc822Pattern();

    [GeneratedRegex(@"^[A-Za-z]{3}\s+(?<mon>[A-Za-z]{3})\s+(?<d>\d{1,2})\s+" + Clock + @"(?:\s+(?<zone>[A-Za-z]{1,5}|[+-]\d{4}))?\s+(?<y>\d{4})$")]
    private static partial Regex AsctimePattern();

    [GeneratedRegex(@"^([+-])(\d{2}(?::?\d{2})?)$")]
    private static partial Regex NumericZone();
}
