using System.Text;
using Aggregator.Parsing;
using Aggregator.Parsing.Documents;
using Aggregator.Processing.Stories;

namespace Aggregator.Evaluation;

/// <summary>Precision and recall of story clustering over labelled pairs, per kind of difference,
/// and the pairs it got wrong with its reason. Each side goes through what ingestion does to a
/// scraped page (page chrome dropped, then the story fingerprint), so the score is the service's.
/// Translation pairs are reported on their own: clustering across languages is not attempted.</summary>
public static class DedupEvaluation
{
    public sealed record Outcome(LabelledPair Pair, StoryMatch Match);

    public sealed record Report(IReadOnlyList<Outcome> Outcomes)
    {
        public static bool CrossLanguage(LabelledPair p) => p.Kind == "translation";

        public TaggingEvaluation.Counts SameLanguage => Score(Outcomes.Where(o => !CrossLanguage(o.Pair)));
        public TaggingEvaluation.Counts Translation => Score(Outcomes.Where(o => CrossLanguage(o.Pair)));
        public IEnumerable<(string Kind, TaggingEvaluation.Counts Counts)> PerKind =>
            Outcomes.GroupBy(o => o.Pair.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, Score(g)));
        public IEnumerable<Outcome> Wrong => Outcomes.Where(o => o.Match.Same != o.Pair.SameStory);
        public int FalseMergesOfDifferentEvents => Outcomes.Count(o => o.Pair.Kind == "same-topic-different-event" && o.Match.Same);
    }

    private static TaggingEvaluation.Counts Score(IEnumerable<Outcome> outcomes) =>
        TaggingEvaluation.Counts.Of(outcomes.Select(o => (o.Pair.SameStory, o.Match.Same)));

    public static Report Evaluate(IReadOnlyList<LabelledPair> pairs) =>
        new(pairs.Select(p => new Outcome(p, Place(Fingerprint(p.A), Fingerprint(p.B)))).ToList());

    /// <summary>As the story index does it: only items sharing an index key, and then only those
    /// worth comparing (published close enough, sketches agreeing), are compared.</summary>
    private static StoryMatch Place(StoryFingerprint a, StoryFingerprint b)
    {
        var shared = a.Keys.Intersect(b.Keys).ToList();
        if (shared.Count == 0) return new StoryMatch(false, "no index key shared: never compared");
        // A side without a date (no dateline) is taken as published with the other: unknown is not far apart.
        var now = DateTime.UtcNow;
        if (!StoryMatch.WorthComparing(shared.Max(StoryKeys.KindOf), a.Sketch, a.Date ?? b.Date ?? now, b.Sketch, b.Date ?? a.Date ?? now))
            return new StoryMatch(false, $"found through the index ({string.Join(", ", shared.Select(StoryKeys.KindOf).Distinct())}) but not worth comparing (dates or sketches apart)");
        return StoryMatch.Decide(a, b);
    }

    /// <summary>A side as a scraped page: headline line, then the page text.</summary>
    private static StoryFingerprint Fingerprint(PairSide side)
    {
        ParsedDocument document;
        try { document = TextDocumentParser.Parse(side.Title + "\n\n" + side.Body); }
        catch (DocumentFormatException) { document = new ParsedDocument { Title = side.Title, Body = side.Body, Language = "und" }; }
        return StoryFingerprint.Of(document.Title, document.Body, side.Published?.UtcDateTime ?? document.PublishedAt);
    }

    public static string Format(Report report, bool everyPair = false)
    {
        static string Row(string name, TaggingEvaluation.Counts c) =>
            $"{name,-28} P {c.Precision:0.000}  R {c.Recall:0.000}  F1 {c.F1:0.000}   (tp {c.TruePositives}, fp {c.FalsePositives}, fn {c.FalseNegatives}, tn {c.TrueNegatives})";
        var text = new StringBuilder();
        text.AppendLine($"{report.Outcomes.Count} pairs");
        text.AppendLine(Row("same-language kinds", report.SameLanguage));
        text.AppendLine(Row("translation (cross-language)", report.Translation));
        text.AppendLine($"different events merged: {report.FalseMergesOfDifferentEvents}");
        text.AppendLine("per kind:");
        foreach (var (kind, counts) in report.PerKind) text.AppendLine("  " + Row(kind, counts));
        if (everyPair)
        {
            text.AppendLine("every pair:");
            foreach (var o in report.Outcomes)
                text.AppendLine($"  {o.Pair.Id} ({o.Pair.Kind}, {(o.Pair.SameStory ? "same" : "different")}) -> {(o.Match.Same ? "same" : "different")}: {o.Match.Reason}");
        }
        var wrong = report.Wrong.ToList();
        text.AppendLine($"wrong: {wrong.Count}");
        foreach (var o in wrong)
            text.AppendLine($"  {o.Pair.Id} ({o.Pair.Kind}, {(o.Pair.SameStory ? "same story" : "different stories")}): {o.Match.Reason}");
        return text.ToString();
    }
}
