using Aggregator.Processing.Stories;

namespace Aggregator.Tests.Processing;

/// <summary>The hash-table set operations against LINQ's, on values drawn from a small range so
/// that repeats, shared values and the value 0 (the table's empty mark) all occur.</summary>
public sealed class ShingleSetTests
{
    [Fact]
    public void Distinct_keeps_first_appearances_in_order_and_shared_counts_the_intersection()
    {
        var random = new Random(11);
        for (var n = 0; n < 5_000; n++)
        {
            var a = Enumerable.Range(0, random.Next(0, 200)).Select(_ => (ulong)random.Next(0, 64) * 0x9E3779B97F4A7C15UL).ToArray();
            var b = Enumerable.Range(0, random.Next(0, 200)).Select(_ => (ulong)random.Next(0, 64) * 0x9E3779B97F4A7C15UL).ToArray();
            var distinctA = ShingleSet.Distinct(a.ToArray());
            var distinctB = ShingleSet.Distinct(b.ToArray());
            Assert.Equal(a.Distinct().ToArray(), distinctA);
            Assert.Equal(b.Distinct().ToArray(), distinctB);
            Assert.Equal(distinctA.Intersect(distinctB).Count(), ShingleSet.Shared(distinctA, distinctB));
        }
    }
}
