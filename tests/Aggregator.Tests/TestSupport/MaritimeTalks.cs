namespace Aggregator.Tests.TestSupport;

/// <summary>One Korea–China story as copies of it come: the full text, and a feed's summary of
/// it (its opening paragraph), near-duplicates that story clustering puts in one story.</summary>
public static class MaritimeTalks
{
    public const string Full = """
        South Korea and China agreed on Thursday to resume a maritime dialogue suspended since 2019, the foreign ministry said after talks between vice ministers in Seoul.

        The two sides discussed the steel structures China installed in the Yellow Sea, illegal fishing and coast guard cooperation, and agreed to meet again in Beijing next year. Officials described the talks as candid and constructive.
        """;

    /// <summary>A feed summary: the opening paragraph only.</summary>
    public const string Summary = "South Korea and China agreed on Thursday to resume a maritime dialogue suspended since 2019, the foreign ministry said after talks between vice ministers in Seoul. …";
}
