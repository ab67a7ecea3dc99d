using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

public sealed class DateTextTests
{
    [Theory]
    [InlineData("2025-09-05", "2025-09-05T00:00:00Z")]
    [InlineData("date 2025-09-05 Politics", "2025-09-05T00:00:00Z")]
    [InlineData("2025-06-18T07:45:00+09:00", "2025-06-17T22:45:00Z")]
    [InlineData("2025-06-18 07:45 KST", "2025-06-17T22:45:00Z")]
    [InlineData("2025.09.05", "2025-09-05T00:00:00Z")]
    [InlineData("2025年9月5日", "2025-09-05T00:00:00Z")]
    [InlineData("2025년 9월 5일 오후 3:20", "2025-09-05T06:20:00Z")] // Korean words: Korea's time, UTC+9
    [InlineData("2025년 9월 5일 (금) 오전 9:05 KST", "2025-09-05T00:05:00Z")]
    [InlineData("9 september 2025", "2025-09-09T00:00:00Z")]
    [InlineData("5. September 2025", "2025-09-05T00:00:00Z")]
    [InlineData("9 de septiembre de 2025", "2025-09-09T00:00:00Z")]
    [InlineData("le 12 mars 2025 à 08h15", "2025-03-12T08:15:00Z")]
    [InlineData("September 9, 2025", "2025-09-09T00:00:00Z")]
    [InlineData("Oct. 6, 2024", "2024-10-06T00:00:00Z")]
    [InlineData("Sept. 30th, 2024", "2024-09-30T00:00:00Z")]
    [InlineData("9 сентября 2025", "2025-09-09T00:00:00Z")]
    [InlineData("ngày 9 tháng 9 năm 2025", "2025-09-09T00:00:00Z")]
    [InlineData("Tue 2 Sep 2025 10.00 BST", "2025-09-02T09:00:00Z")]
    public void Finds_dates_as_news_pages_write_them(string text, string expected) =>
        Assert.Equal(expected, DateText.Find(text)?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));

    [Theory]
    [InlineData("Kim reste till Peking förra veckan")]
    [InlineData("2025-02-30")]        // no such day
    [InlineData("31 Smarch 2025")]    // no such month
    [InlineData("in 1861 and 1950")]  // years alone are not dates
    [InlineData("Oct. 6 (Xinhua)")]   // no year: never invented
    public void Finds_no_date_where_there_is_none(string text) =>
        Assert.Null(DateText.Find(text));
}
