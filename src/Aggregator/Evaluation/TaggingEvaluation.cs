using System.Text;
using Aggregator.Processing.Tagging;

namespace Aggregator.Evaluation;

/// <summary>Precision, recall and F1 of the tagger against labelled documents: overall, per
/// language and per sub-tag, with the documents it got wrong and the tagger's reason for each.</summary>
public static class TaggingEvaluation
{
    public sealed record Counts(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
    {
        public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);
        public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);
        public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

        public static Counts Of(IEnumerable<(bool Expected, bool Got)> pairs)
        {
            var list = pairs.ToList();
            return new Counts(list.Count(p => p.Expected && p.Got), list.Count(p => !p.Expected && p.Got),
                list.Count(p => p.Expected && !p.Got), list.Count(p => !p.Expected && !p.Got));
        }
    }

    public sealed record Outcome(LabelledDocument Document, IReadOnlySet<string> Got, string Reason);

    public sealed record Report(string Topic, IReadOnlyList<string> Subtags, IReadOnlyList<Outcome> Outcomes)
    {
        public Counts Overall => Score(Topic, Outcomes);
        public IEnumerable<(string Language, Counts Counts)> PerLanguage =>
            Outcomes.GroupBy(o => o.Document.Lang).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, Score(Topic, g)));
        public IEnumerable<(string Subtag, Counts Counts)> PerSubtag => Subtags.Select(s => (s, Score(s, Outcomes)));
        public IEnumerable<Outcome> Wrong => Outcomes.Where(o => !o.Got.SetEquals(o.Document.Labels));
    }

    private static Counts Score(string tag, IEnumerable<Outcome> outcomes) =>
        Counts.Of(outcomes.Select(o => (o.Document.Labels.Contains(tag), o.Got.Contains(tag))));

    public static Report Evaluate(IReadOnlyList<CompiledTopic> topics, string topic, IReadOnlyList<LabelledDocument> documents)
    {
        var compiled = topics.FirstOrDefault(t => t.Rule.Tag == topic)
            ?? throw new InvalidDataException($"no topic \"{topic}\" in the rules (have: {string.Join(", ", topics.Select(t => t.Rule.Tag))})");
        var outcomes = documents.Select(d =>
        {
            var verdict = Tagger.Judge(compiled, d.Title, d.Body);
            return new Outcome(d, verdict.Tags.Select(t => t.Tag).ToHashSet(StringComparer.Ordinal), verdict.Reason);
        }).ToList();
        return new Report(topic, compiled.Rule.Subtags, outcomes);
    }

    public static string Format(Report report)
    {
        static string Row(string name, Counts c) =>
            $"{name,-14} P {c.Precision:0.000}  R {c.Recall:0.000}  F1 {c.F1:0.000}   (tp {c.TruePositives}, fp {c.FalsePositives}, fn {c.FalseNegatives}, tn {c.TrueNegatives})";
        var text = new StringBuilder();
        text.AppendLine($"{report.Outcomes.Count} documents, topic {report.Topic}");
        text.AppendLine(Row(report.Topic, report.Overall));
        text.AppendLine("per sub-tag:");
        foreach (var (subtag, counts) in report.PerSubtag) text.AppendLine("  " + Row(subtag, counts));
        text.AppendLine("per language:");
        foreach (var (language, counts) in report.PerLanguage) text.AppendLine("  " + Row(language, counts));
        var wrong = report.Wrong.ToList();
        text.AppendLine($"wrong: {wrong.Count}");
        foreach (var o in wrong)
            text.AppendLine($"  {o.Document.Id} [{o.Document.Lang}] expected [{string.Join(", ", o.Document.Labels)}] got [{string.Join(", ", o.Got.Order(StringComparer.Ordinal))}]: {o.Reason}");
        return text.ToString();
    }
}
