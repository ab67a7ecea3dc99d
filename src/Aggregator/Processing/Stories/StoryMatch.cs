namespace Aggregator.Processing.Stories;

/// <summary>Whether two items are copies of one story, and why. Measured on exact shingle sets
/// (the index only finds the candidates):
/// <list type="number">
/// <item>Items published more than <see cref="MaxApart"/> apart are different events.</item>
/// <item>Different numbers on both sides (each states a year, date, count or ordinal the other
/// does not) make different events, however alike the wording: anniversary messages five years
/// apart, two typhoons, two ambassadors. One side adding numbers is an update or a longer
/// version, not a conflict; a count or two changed in an otherwise copied text published the
/// same day is a correction (a death toll updated).</item>
/// <item>Copies share most phrases: Jaccard ≥ <see cref="MinPhraseJaccard"/>, or the shorter text
/// mostly inside the longer (≥ <see cref="MinPhraseContainment"/>: a feed summary, an update).</item>
/// <item>Rewrites (a syndicated edit, a machine-translation round trip) share most content words:
/// Jaccard ≥ <see cref="MinTermJaccard"/>, with a few phrases in common. Unrelated reporting on the same topic stays well
/// below (99.9th percentile 0.27 over all pairs of the labelled tagging set). A rewrite that was
/// also trimmed (a second outlet's shorter version of the wire story) loses the Jaccard its cut
/// paragraphs take with them, but keeps its own words inside the longer text: ≥ <see
/// cref="MinTrimmedTermContainment"/> of the shorter one's terms, and still Jaccard ≥ <see
/// cref="MinTrimmedTermJaccard"/>.</item>
/// <item>An item with next to no text (an aggregator's headline, a wire flash, a one-line
/// summary) is a copy only of one published within <see cref="MaxHeadlineApart"/>: what is
/// compared is mostly its headline, and a formula's next occurrence (the next day's market
/// close, the next launch) comes a day or more later. Within that, the same headline
/// (<see cref="Headline"/>) is enough: there is nothing else to compare.</item>
/// </list></summary>
public sealed record StoryMatch(bool Same, string Reason)
{
    public const double MinPhraseJaccard = 0.5;
    public const double MinPhraseContainment = 0.7;
    public const double MinTermJaccard = 0.45;

    /// <summary>The share of the shorter text's terms found in the longer that makes a trimmed
    /// rewrite: over all same-language pairs of the labelled tagging sets (2,952, one subject),
    /// 99.9 % stay below 0.56, and the pairs above are the same story written twice or a daily
    /// formula on another day, which dates and numbers tell apart.</summary>
    public const double MinTrimmedTermContainment = 0.6;

    /// <summary>A short text's few terms can all appear in a long roundup of its subject: the
    /// trimmed rewrite still shares a good part of the whole vocabulary.</summary>
    public const double MinTrimmedTermJaccard = 0.3;

    /// <summary>Terms the shorter text needs before its containment says anything: a flash of a
    /// dozen words shares most of them with any report on its subject.</summary>
    public const int MinTrimmedTerms = 30;

    /// <summary>A rewrite still keeps some phrases (names, quotes, set expressions); texts drawn
    /// from one small vocabulary share words without sharing any.</summary>
    public const double MinRewritePhraseJaccard = 0.05;

    /// <summary>Copies of one story appear within days; the same formula a year later is a new event.</summary>
    public static readonly TimeSpan MaxApart = TimeSpan.FromDays(7);

    /// <summary>How far apart a headline-only item and its story's other carriers may be
    /// published: an aggregator dates its item as the outlet did, a flash precedes its article by
    /// minutes, and a daily formula ("KOSPI closes higher …") recurs 24 hours later.</summary>
    public static readonly TimeSpan MaxHeadlineApart = TimeSpan.FromHours(16);

    /// <summary>A text of at most this many phrases may be a headline-only item (a headline and a
    /// body under <see cref="StoryFingerprint.ShortBodyWeight"/>): one found through its headline
    /// is compared whatever its sketch says.</summary>
    public const int MaxHeadlineOnlyPhrases = 96;

    /// <summary>Phrase sketch slots that must agree before a candidate is compared: a band shared
    /// by chance agrees in its own two slots and few others; a copy with phrase Jaccard 0.3
    /// agrees in about ten of the 32.</summary>
    public const int MinAgreeingSlots = 5;

    /// <summary>Term sketch slots that must agree for a candidate found through its lead or its
    /// figures (a rewrite keeps the vocabulary, not the phrases): about a quarter of the terms,
    /// where a machine-translation round trip keeps half and unrelated reporting a tenth.</summary>
    public const int MinAgreeingTermSlots = 8;

    /// <summary>Whether an item found through the index is worth reading and comparing: it was
    /// published within <see cref="MaxApart"/>, and its sketch agrees in enough phrase slots, or,
    /// found through a lead or figures key, in enough term slots or with one of the two much
    /// longer than the other (a summary and its article), or, found through its headline, with
    /// one of the two short enough to be headline-only.</summary>
    public static bool WorthComparing(KeyKind strongest, ReadOnlySpan<uint> newSketch, DateTime newDate, ReadOnlySpan<uint> storedSketch, DateTime storedDate) =>
        (newDate - storedDate).Duration() <= MaxApart && SketchesAgree(strongest, newSketch, storedSketch);

    /// <summary>Of two texts sharing a lead or figures, one this many times longer than the other
    /// may be the article a feed's summary was cut from: the sketches cannot tell (a summary a
    /// tenth of its article agrees in about three slots of 32), the exact comparison can
    /// (containment).</summary>
    public const int MinLengthRatioForSummary = 2;

    /// <summary>The sketch half of <see cref="WorthComparing"/>, checked first because it needs no date.</summary>
    public static bool SketchesAgree(KeyKind strongest, ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        const int half = StoryKeys.Slots;
        if (a.Length < 2 * half || b.Length < 2 * half) return false;
        return Agreeing(a[..half], b[..half]) >= MinAgreeingSlots
            || strongest != KeyKind.Band && (Agreeing(a[half..(2 * half)], b[half..(2 * half)]) >= MinAgreeingTermSlots || SummaryAndFullText(a, b))
            || strongest == KeyKind.Headline && (PhraseCount(a) <= MaxHeadlineOnlyPhrases || PhraseCount(b) <= MaxHeadlineOnlyPhrases);
    }

    /// <summary>The sketch's phrase count (unknown in sketches stored before it was kept: taken as long).</summary>
    private static long PhraseCount(ReadOnlySpan<uint> sketch) =>
        sketch.Length > StoryKeys.PhraseCountSlot ? sketch[StoryKeys.PhraseCountSlot] : long.MaxValue;

    /// <summary>Whether one text has at least <see cref="MinLengthRatioForSummary"/> times the
    /// phrases of the other (sketches stored before their length was kept are not known to).</summary>
    private static bool SummaryAndFullText(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (a.Length <= StoryKeys.PhraseCountSlot || b.Length <= StoryKeys.PhraseCountSlot) return false;
        var (x, y) = ((long)a[StoryKeys.PhraseCountSlot], (long)b[StoryKeys.PhraseCountSlot]);
        return x > 0 && y > 0 && (x >= MinLengthRatioForSummary * y || y >= MinLengthRatioForSummary * x);
    }

    /// <summary>Slots equal in both, not counting empty ones (0: a text with no such shingles).</summary>
    private static int Agreeing(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        var agree = 0;
        for (var i = 0; i < a.Length; i++)
            if (a[i] == b[i] && a[i] != 0) agree++;
        return agree;
    }

    /// <param name="sameEntry">Two versions of one source's entry (is the new one a correction or
    /// a rewrite?): an edit hours or days later is no sign of another event, as a headline
    /// recurring more than <see cref="MaxHeadlineApart"/> later is between two items.</param>
    public static StoryMatch Decide(StoryFingerprint a, StoryFingerprint b, bool sameEntry = false)
    {
        if (a.Date is { } da && b.Date is { } db && (da - db).Duration() > MaxApart)
            return new(false, $"published {(da - db).Duration().TotalDays:0} days apart");
        var onlyA = a.Numbers.Except(b.Numbers).ToList();
        var onlyB = b.Numbers.Except(a.Numbers).ToList();
        var (phraseJaccard, phraseContainment) = Overlap(a.Phrases, b.Phrases);
        var (termJaccard, termContainment) = Overlap(a.Terms, b.Terms);
        var figures = $"phrases {phraseJaccard:0.00} (contained {phraseContainment:0.00}), terms {termJaccard:0.00} (contained {termContainment:0.00})";
        if (onlyA.Count > 0 && onlyB.Count > 0)
        {
            var apart = $"({string.Join(" ", onlyA.Take(4))} / {string.Join(" ", onlyB.Take(4))})";
            if (CorrectedFigures(a, b, onlyA, onlyB, phraseJaccard, phraseContainment, sameEntry))
                return new(true, $"a figure corrected {apart}, the text otherwise a copy: {figures}");
            return new(false, $"different numbers {apart}; {figures}");
        }
        // Next to no text on one side: what is compared is mostly a headline, and headlines recur.
        var headlineOnly = a.BodyTooShort || b.BodyTooShort;
        if (headlineOnly && !sameEntry && a.Date is { } ha && b.Date is { } hb && (ha - hb).Duration() > MaxHeadlineApart)
            return new(false, $"one with next to no text, published {(ha - hb).Duration().TotalHours:0} hours apart; {figures}");
        if (phraseJaccard >= MinPhraseJaccard || phraseContainment >= MinPhraseContainment)
            return new(true, $"copies: {figures}");
        if (termJaccard >= MinTermJaccard && phraseJaccard >= MinRewritePhraseJaccard)
            return new(true, $"rewrite: {figures}");
        if (termContainment >= MinTrimmedTermContainment && termJaccard >= MinTrimmedTermJaccard && phraseJaccard >= MinRewritePhraseJaccard
            && Math.Min(a.Terms.Length, b.Terms.Length) >= MinTrimmedTerms)
            return new(true, $"trimmed rewrite: {figures}");
        if (headlineOnly && a.Headline.SameAs(b.Headline))
            return new(true, $"same headline, {(a.BodyTooShort && b.BodyTooShort ? "neither" : "one")} with text to compare; {figures}");
        return new(false, $"different text: {figures}");
    }

    /// <summary>Figures a correction may change in a copy (a death toll, an amount), one or two
    /// of them: more, and it is another occurrence of a formula (the next day's close).</summary>
    public const int MaxCorrectedFigures = 2;

    /// <summary>Phrases each side needs before their overlap says the rest of the text is a copy:
    /// each changed figure costs the three phrases around it on each side.</summary>
    public const int MinCorrectedPhrases = 40;

    /// <summary>Whether numbers on both sides are a correction ("3 dead" updated to "5 dead",
    /// perhaps with a figure added) rather than two events: at most <see
    /// cref="MaxCorrectedFigures"/> figures replaced, in texts long enough to tell and otherwise
    /// copies (as <see cref="MinPhraseJaccard"/> and <see cref="MinPhraseContainment"/> judge
    /// them: an update adds a paragraph), published within <see cref="MaxHeadlineApart"/> of each
    /// other (or two versions of one entry; undated, they are not known to be the same day), and
    /// not each with a year, weekday or ordinal of its own: those name the occurrence
    /// (anniversaries, launches).</summary>
    private static bool CorrectedFigures(StoryFingerprint a, StoryFingerprint b, List<string> onlyA, List<string> onlyB, double phraseJaccard, double phraseContainment, bool sameEntry) =>
        Math.Min(onlyA.Count, onlyB.Count) <= MaxCorrectedFigures
        && (onlyA.TrueForAll(IsCount) || onlyB.TrueForAll(IsCount))
        && (phraseJaccard >= MinPhraseJaccard || phraseContainment >= MinPhraseContainment)
        && a.Phrases.Length >= MinCorrectedPhrases && b.Phrases.Length >= MinCorrectedPhrases
        && (sameEntry || a.Date is { } da && b.Date is { } db && (da - db).Duration() <= MaxHeadlineApart);

    /// <summary>A count or amount: digits that are not a year (ordinals and weekdays are kept as words).</summary>
    private static bool IsCount(string number) => char.IsAsciiDigit(number[^1]) && !StoryFingerprint.IsYear(number);

    /// <summary>Jaccard similarity, and the share of the smaller set inside the larger (sets as
    /// arrays of distinct values).</summary>
    public static (double Jaccard, double Containment) Overlap(ulong[] a, ulong[] b)
    {
        if (a.Length == 0 || b.Length == 0) return (0, 0);
        var shared = ShingleSet.Shared(a, b);
        return ((double)shared / (a.Length + b.Length - shared), (double)shared / Math.Min(a.Length, b.Length));
    }
}
