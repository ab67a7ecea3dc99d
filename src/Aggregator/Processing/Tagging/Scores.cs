namespace Aggregator.Processing.Tagging;

/// <summary>A game's score written in a headline or sentence ("gana 1-0 a China", "beat China
/// 3–1", "siegte 2:1", "以2比1"): a match report's results sentences name both teams and often
/// no word of the sport, so the score is the sport's mark. A range is not a score: "3-4 percent",
/// "2-3 days", "1-2年", "5-6명", a date (2024-06-11), a time (15:30), a tally (2-0-1).</summary>
public static class Scores
{
    /// <summary>The scores of a text from <paramref name="from"/> on, as (start, length), in order.</summary>
    public static List<(int Start, int Length)> Find(string text, int from)
    {
        var found = new List<(int, int)>();
        for (var i = Math.Max(from, 0); i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]) || i > 0 && IsNumberPart(text[i - 1])) continue;
            var left = Digits(text, i); // at least 1: text[i] is a digit
            var at = i + left;
            if (left > 2 || at >= text.Length || !IsSeparator(text[at])) { i = at; continue; }
            var right = Digits(text, at + 1);
            var end = at + 1 + right;
            // "9:05" and "15:30" are times: a score's colon has one digit after it.
            var time = text[at] is ':' or '：' && right > 1;
            // "2-0-1" (a medal tally), "2024-06-11", "1-2.5": more number follows.
            var longer = end + 1 < text.Length && IsNumberPart(text[end]) && char.IsAsciiDigit(text[end + 1]);
            if (right is > 0 and <= 2 && !time && !longer && !IsRange(text, end)) found.Add((i, end - i));
            i = end;
        }
        return found;
    }

    private static int Digits(string text, int at)
    {
        var n = 0;
        while (at + n < text.Length && char.IsAsciiDigit(text[at + n])) n++;
        return n;
    }

    private static bool IsSeparator(char c) => c is '-' or '–' or '－' or ':' or '：' or '比';

    private static bool IsNumberPart(char c) => char.IsAsciiDigit(c) || c is '.' or ',' or '-' or '–' or '－' or ':' or '：' or '/';

    /// <summary>Whether what follows the two numbers makes them a range: a percent sign, a unit
    /// or counter ("3-4 days", "1-2年", "5-6명"), a vote.</summary>
    private static bool IsRange(string text, int end)
    {
        if (end >= text.Length) return false;
        var next = text[end];
        if (next is '%' or '％' || RangeCounters.Contains(next)) return true;
        var word = end;
        if (next == ' ') word++;
        foreach (var unit in RangeWords)
            if (string.Compare(text, word, unit, 0, unit.Length, StringComparison.OrdinalIgnoreCase) == 0) return true;
        return false;
    }

    /// <summary>CJK counters written straight after a number: days, years, people, times, money.</summary>
    private const string RangeCounters = "天日年月个個人名倍成万萬亿億千百元度岁歲次周週小分秒公米家艘架枚件期轮輪位台部款座条條号號时時点點층일년월명개배만억천백시분초주번차세곳척대건편회위도원";

    /// <summary>Words after a range, in the languages the topics are written in, matched as the
    /// start of the word after the numbers ("day" finds "days", "дн" finds "дней").</summary>
    private static readonly string[] RangeWords =
    [
        "%", "percent", "per cent", "percentage", "pour cent", "por ciento", "prozent", "procent", "процент", "퍼센트", "phần trăm",
        "vote", "votes", "ruling", "year", "month", "week", "day", "hour", "time", "km", "kilomet", "mile", "metre", "meter", "million", "billion", "trillion",
        "år", "dag", "månad", "vecka", "jahr", "monat", "woche", "tage", "stunde", "ans", "mois", "semaine", "jour", "heure", "año", "meses", "semana", "día",
        "horas", "jaar", "maand", "uur", "год", "лет", "месяц", "недел", "дн", "час", "млн", "млрд", "năm", "tháng", "tuần", "ngày", "giờ", "tỷ", "triệu",
    ];
}
