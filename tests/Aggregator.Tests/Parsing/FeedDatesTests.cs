using System.Globalization;
using System.Text;
using Aggregator.Parsing.Feeds;

namespace Aggregator.Tests.Parsing;

public sealed class FeedDatesTests
{
    [Theory]
    [InlineData("2025-03-01T09:30:00Z", null, "2025-03-01T09:30:00Z")]
    [InlineData("2025-03-01t09:30:00z", null, "2025-03-01T09:30:00Z")]
    [InlineData("2025-03-01 09:30:00.123+09:00", null, "2025-03-01T00:30:00Z")]
    [InlineData("2025-03-01T09:30:00-05:30", null, "2025-03-01T15:00:00Z")]
    [InlineData("2025-03-01T24:00:00Z", null, "2025-03-02T00:00:00Z")]
    [InlineData("2025-03-01T09:30:60Z", null, "2025-03-01T09:30:59Z")]
    [InlineData("Sat, 01 Mar 2025 09:30:00 +0900", null, "2025-03-01T00:30:00Z")]
    [InlineData("Sat, 01 mar 2025 09:30:00 GMT", null, "2025-03-01T09:30:00Z")]
    [InlineData("Sat, 01 Mar 2025 09:30:00 KST", null, "2025-03-01T00:30:00Z")]
    [InlineData("Sat, 01 Mar 2025 09:30:00 CST", null, "2025-03-01T15:30:00Z")]
    [InlineData("Sat, 01 Mar 2025 09:30:00 CST", "zh-cn", "2025-03-01T01:30:00Z")]
    [InlineData("Sat, 1 Mar 2025 09:30 +0900", null, "2025-03-01T00:30:00Z")]
    [InlineData("  Sat, 01 Mar 2025 09:30:00 +0900\n", null, "2025-03-01T00:30:00Z")]
    [InlineData("2025-02-30T09:30:00Z", null, null)]
    [InlineData("Sun, 30 Feb 2025 09:30:00 GMT", null, null)]
    // Twelve-hour clocks: PM adds twelve hours, 12 AM is midnight.
    [InlineData("5 Sep 2025 3:20 PM", null, "2025-09-05T15:20:00Z")]
    [InlineData("Friday, September 5, 2025 3:20 PM", null, "2025-09-05T15:20:00Z")]
    [InlineData("Fri, 05 Sep 2025 12:30 AM GMT", null, "2025-09-05T00:30:00Z")]
    [InlineData("2025년 9월 5일 오전 12:30", null, "2025-09-04T15:30:00Z")]
    // A local time without a zone is in the zone its words or the feed's language give.
    [InlineData("2025년 9월 5일 오후 3:20", null, "2025-09-05T06:20:00Z")]
    [InlineData("2025. 9. 5. 오후 3:20:00", null, "2025-09-05T06:20:00Z")]
    [InlineData("2025. 9. 5. 15:20", "ko", "2025-09-05T06:20:00Z")]
    [InlineData("2025年09月05日 15:20", "zh-CN", "2025-09-05T07:20:00Z")]
    [InlineData("2025年09月05日 下午 3:20", null, "2025-09-05T07:20:00Z")]
    [InlineData("2025-09-05T15:20:00", "ko-KR", "2025-09-05T06:20:00Z")]
    [InlineData("2025-09-05T15:20:00", null, "2025-09-05T15:20:00Z")]
    [InlineData("2025-09-05T15:20:00", "en", "2025-09-05T15:20:00Z")]
    [InlineData("Fri, 05 Sep 2025 15:20:00", "ja", "2025-09-05T06:20:00Z")]
    [InlineData("2025-09-05", "ko", "2025-09-05T00:00:00Z")] // a date alone stays a date
    // Japanese era years, Unix time, Russian abbreviations.
    [InlineData("令和7年9月5日", null, "2025-09-05T00:00:00Z")]
    [InlineData("平成31年4月30日", null, "2019-04-30T00:00:00Z")]
    [InlineData("令和元年5月1日", null, "2019-05-01T00:00:00Z")]
    [InlineData("1757053200", null, "2025-09-05T06:20:00Z")]
    [InlineData("1757053200000", null, "2025-09-05T06:20:00Z")]
    [InlineData("2025090515", null, null)] // yyyyMMddHH, not Unix time in 2034
    [InlineData("令和7年9月5日 15時20分", "en", "2025-09-05T06:20:00Z")] // an era date is Japan's
    [InlineData("Пт, 05 сен 2025 15:20:00 +0300", null, "2025-09-05T12:20:00Z")]
    // Clock times as Chinese, Japanese and Korean sites write them (the time had been dropped:
    // stamped at midnight UTC, up to fifteen hours off).
    [InlineData("2025年9月5日 15时20分", "zh-cn", "2025-09-05T07:20:00Z")]
    [InlineData("2025年9月5日 15点20分", "zh", "2025-09-05T07:20:00Z")]
    [InlineData("2025年09月05日(金) 15:20", "ja", "2025-09-05T06:20:00Z")]
    [InlineData("2025年9月5日（金）15時20分", "ja", "2025-09-05T06:20:00Z")]
    [InlineData("2025/09/05(金) 15:20", "ja", "2025-09-05T06:20:00Z")]
    [InlineData("2025.09.05 (금) 15:20", "ko", "2025-09-05T06:20:00Z")]
    [InlineData("2025.09.05(금) 15:20:33", "ko", "2025-09-05T06:20:00Z")]
    [InlineData("2025년 09월 05일 15시 20분", null, "2025-09-05T06:20:00Z")]
    [InlineData("2025年9月5日15時5分", "ja", "2025-09-05T06:05:00Z")]
    [InlineData("2025-09-05 15:20:00 GMT+0900", null, "2025-09-05T06:20:00Z")]
    [InlineData("2025年9月5日 12点 30万人", "zh", "2025-09-05T00:00:00Z")] // 300,000 people at 12: no minute mark, no time
    [InlineData("2025年9月5日 6点5级地震", "zh", "2025-09-05T00:00:00Z")]   // a magnitude 6.5 earthquake
    [InlineData("2025年9月5日12.50亿", "zh", "2025-09-05T00:00:00Z")]      // 1.25 billion
    [InlineData("Sep 5, 2025 (AP) 10.30", null, "2025-09-05T00:00:00Z")]
    // Day and month in either order only when one of them cannot be a month.
    [InlineData("25/9/2025", null, "2025-09-25T00:00:00Z")]
    [InlineData("9/25/2025", null, "2025-09-25T00:00:00Z")]
    [InlineData("9/5/2025 3:20 PM", null, null)]
    public void Reads_the_forms_feeds_write(string text, string? language, string? expected) =>
        Assert.Equal(expected, FeedDates.Parse(text, language)?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    /// <summary>The fast path for RFC 3339 and RFC 822 reads every string as the regular
    /// expressions do: strings built from the parts of both forms, well-formed or not
    /// (month 13, hour 24, second 60, zones real and invented, missing and extra pieces).</summary>
    [Fact]
    public void The_fast_path_agrees_with_the_patterns_on_twenty_thousand_generated_dates()
    {
        var random = new Random(3);
        string Pick(params string[] options) => options[random.Next(options.Length)];
        string Number(int digits, int max) => random.Next(max + 1).ToString(new string('0', digits), CultureInfo.InvariantCulture);
        var dated = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var text = new StringBuilder();
            if (random.Next(2) == 0)
            {
                text.Append(Number(4, 2100)).Append(Pick("-", "-", "/")).Append(Number(2, 13)).Append('-').Append(Number(2, 32))
                    .Append(Pick("T", "t", " ", "  ", "_")).Append(Number(2, 25)).Append(':').Append(Number(2, 60)).Append(Pick(":", ":", ""))
                    .Append(Number(2, 61)).Append(Pick("", "", ".", ".5", ",123", ".123456"))
                    .Append(Pick("Z", "z", "", "+09:00", "-05:30", "+0900", "+99:99", "+9:00", " Z", "UTC", "GMT", "Zx"));
            }
            else
            {
                text.Append(Pick("Sat, ", "Mon, ", "Sa, ", "Sat,", "", "Thursday, ")).Append(Pick(Number(2, 32), Number(1, 9)))
                    .Append(' ').Append(Pick("Mar", "mar", "MAR", "Feb", "Sept", "March", "Xyz", "Ma1")).Append(' ')
                    .Append(Pick(Number(4, 2100), Number(2, 99))).Append(' ').Append(Number(2, 25)).Append(':').Append(Number(2, 60))
                    .Append(Pick(":" + Number(2, 61), "", ":" + Number(1, 9))).Append(Pick(" ", "", "  "))
                    .Append(Pick("+0900", "-0500", "GMT", "UT", "KST", "CST", "EDT", "XYZAB", "ABCDEF", "Z", "+09:00", "+090", "", "GMT."));
            }
            var value = text.ToString();
            foreach (var language in new[] { null, "zh-cn", "ko" })
                Assert.True(FeedDates.Parse(value, language) == FeedDates.ByPatterns(value.Trim(), language),
                    $"\"{value}\" ({language ?? "no language"}): fast path {FeedDates.Parse(value, language):O}, patterns {FeedDates.ByPatterns(value.Trim(), language):O}");
            if (FeedDates.Parse(value) is not null) dated++;
        }
        Assert.InRange(dated, 5_000, 19_000); // real dates among them, and broken ones
    }
}
