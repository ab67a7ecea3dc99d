namespace Aggregator.Tests.TestSupport;

/// <summary>What the five seed documents are, as a reader should see them in every feed.</summary>
public static class Seeds
{
    public static readonly IReadOnlyDictionary<string, DateTime?> TitlesAndDates = new Dictionary<string, DateTime?>
    {
        ["Xi: Kina redo att stärka banden med Nordkorea"] = new DateTime(2025, 9, 9, 0, 0, 0, DateTimeKind.Utc),
        ["Kim Jong Un reaffirms DPRK-China alliance on PRC's 76th anniversary"] = null,
        ["Xi, Kim exchange congratulatory messages over 75th anniversary of diplomatic ties"] = new DateTime(2024, 10, 6, 0, 0, 0, DateTimeKind.Utc),
        ["Kim, Xi Hail Bond as a North Korea says that she will protect the interests of China"] = new DateTime(2025, 9, 5, 0, 0, 0, DateTimeKind.Utc),
        ["Leaders of North Korea, China vow to strengthen ties"] = new DateTime(2021, 7, 11, 0, 0, 0, DateTimeKind.Utc),
    };
}
