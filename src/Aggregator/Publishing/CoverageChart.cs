using System.Globalization;
using System.Text;

namespace Aggregator.Publishing;

/// <summary>Stories per day as an inline SVG bar chart: no script, no image request, readable by
/// screen readers through its title and description, each bar titled with its day and count.</summary>
public static class CoverageChart
{
    private const int Width = 720, Height = 160, Left = 36, Bottom = 24, Top = 10;

    public static string Svg(IReadOnlyDictionary<DateOnly, int> perDay, DateOnly lastDay, int days, string subject)
    {
        var first = lastDay.AddDays(1 - days);
        var counts = Enumerable.Range(0, days).Select(i => perDay.GetValueOrDefault(first.AddDays(i))).ToArray();
        var max = Math.Max(1, counts.Max());
        var total = counts.Sum();
        var busiest = Array.IndexOf(counts, counts.Max());
        var description = total == 0
            ? $"No {subject} stories from {Day(first)} to {Day(lastDay)}."
            : $"{total} {subject} {(total == 1 ? "story" : "stories")} from {Day(first)} to {Day(lastDay)}; the busiest day was {Day(first.AddDays(busiest))} with {counts[busiest]}.";

        var inv = CultureInfo.InvariantCulture;
        var plotWidth = Width - Left - 4.0;
        var plotHeight = Height - Bottom - Top;
        var slot = plotWidth / days;
        var svg = new StringBuilder();
        svg.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">");
        svg.Append(inv, $"<title id=\"chart-title\">Stories per day, {EntryText.Encode(subject)}, last {days} days</title>");
        svg.Append(inv, $"<desc id=\"chart-desc\">{EntryText.Encode(description)}</desc>");
        // Axis: zero and the maximum, first and last day.
        svg.Append(inv, $"<line x1=\"{Left}\" y1=\"{Top + plotHeight}\" x2=\"{Width - 4}\" y2=\"{Top + plotHeight}\" stroke=\"#767676\"/>");
        svg.Append(inv, $"<text x=\"{Left - 6}\" y=\"{Top + 10}\" text-anchor=\"end\" font-size=\"12\" fill=\"#4a4a4a\">{max}</text>");
        svg.Append(inv, $"<text x=\"{Left - 6}\" y=\"{Top + plotHeight}\" text-anchor=\"end\" font-size=\"12\" fill=\"#4a4a4a\">0</text>");
        svg.Append(inv, $"<text x=\"{Left}\" y=\"{Height - 6}\" font-size=\"12\" fill=\"#4a4a4a\">{Day(first)}</text>");
        svg.Append(inv, $"<text x=\"{Width - 4}\" y=\"{Height - 6}\" text-anchor=\"end\" font-size=\"12\" fill=\"#4a4a4a\">{Day(lastDay)}</text>");
        for (var i = 0; i < days; i++)
        {
            var h = counts[i] == 0 ? 0 : Math.Max(2, plotHeight * counts[i] / (double)max);
            var x = Left + i * slot + slot * 0.15;
            svg.Append(inv, $"<rect x=\"{x:0.#}\" y=\"{Top + plotHeight - h:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{h:0.#}\" fill=\"#1f5fa8\">");
            svg.Append(inv, $"<title>{Day(first.AddDays(i))}: {counts[i]}</title></rect>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
