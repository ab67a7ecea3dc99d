namespace Aggregator.Processing.Tagging;

/// <summary>Decides topics by salience, not bare co-occurrence: each side of a topic needs weighted
/// evidence (a title match weighs more), and the sides must be named together in the title or
/// in at least one paragraph. Matches inside excluded phrases are not evidence.</summary>
public static class Tagger
{
    public static IReadOnlyList<TagDecision> Tag(IReadOnlyList<CompiledTopic> topics, string title, string body) =>
        topics.Where(t => EverySideNamed(t, title, body)).SelectMany(t => Judge(t, title, body).Tags).ToList();

    /// <summary>A cheap necessary condition checked first: every side is named at all. Most
    /// entries name neither side, and this stops after one scan instead of one per term group.</summary>
    private static bool EverySideNamed(CompiledTopic topic, string title, string body) =>
        topic.Rule.Sides.All(side => topic.Groups.Any(g => g.Group.Sides.Contains(side) && (g.Pattern.IsMatch(title) || g.Pattern.IsMatch(body))));

    public static TopicVerdict Judge(CompiledTopic topic, string title, string body)
    {
        var rule = topic.Rule;
        var matches = Find(topic, "title", title).Concat(Find(topic, "body", body)).ToList();
        var groups = topic.Groups.ToDictionary(g => g.Group.Name, g => g.Group);

        double Weight(TermMatch m) => m.Field == "title" ? rule.TitleWeight : 1;
        var sideScores = rule.Sides.ToDictionary(s => s,
            s => matches.Where(m => groups[m.Group].Sides.Contains(s)).Sum(Weight));
        var others = ThirdParties(topic, "title", title, matches).Concat(ThirdParties(topic, "body", body, matches)).ToList();
        var sentences = Sentences.Split(body);
        var jointTitle = Joint(rule, groups, matches, others, "title", 0, title.Length);
        var jointBody = sentences.Count(s => Joint(rule, groups, matches, others, "body", s.Start, s.End));
        var joint = jointBody >= rule.MinJointSentences || (jointTitle && sentences.Count <= rule.ShortBodySentences);
        var score = sideScores.Values.DefaultIfEmpty(0).Min();
        var tagged = score >= rule.MinSideScore && joint;
        var reason = string.Join(", ", sideScores.Select(kv => $"{kv.Key} {kv.Value:0.#}"))
            + $"; named together in {jointBody} of {sentences.Count} body sentence(s)" + (jointTitle ? " and the title" : "")
            + (others.Count > 0 ? $"; {others.Count} third-party mention(s)" : "")
            + (tagged ? "" : score < rule.MinSideScore ? $"; a side is below {rule.MinSideScore}"
                : jointTitle ? $"; only the title joins them in a {sentences.Count}-sentence body" : "; never named together");
        if (!tagged)
            return new TopicVerdict(rule.Tag, false, score, reason, [], matches);

        var tags = new List<TagDecision> { new(rule.Tag, score, reason, matches) };
        foreach (var subtag in rule.Subtags)
        {
            var own = matches.Where(m => groups[m.Group].Subtag == subtag).ToList();
            var side = rule.SubtagSide ?? rule.Sides[^1];
            var share = sideScores[side] == 0 ? 0 : own.Sum(Weight) / sideScores[side];
            if (share >= rule.SubtagMinShare)
                tags.Add(new(subtag, Math.Round(share, 3), $"{share:P0} of the {side} evidence", own));
        }
        return new TopicVerdict(rule.Tag, true, score, reason, tags, matches);
    }

    /// <summary>All non-overlapping matches, the longest winning ("North Korea" over "Korea"),
    /// minus those inside an excluded phrase.</summary>
    private static IEnumerable<TermMatch> Find(CompiledTopic topic, string field, string text)
    {
        var excluded = topic.Exclude?.Matches(text).Select(m => (m.Index, End: m.Index + m.Length)).ToList() ?? [];
        var found = topic.Groups
            .SelectMany(g => g.Pattern.Matches(text).Select(m => (g.Group.Name, m.Index, m.Length, m.Value)))
            .Where(m => !excluded.Any(e => m.Index >= e.Index && m.Index + m.Length <= e.End))
            .OrderBy(m => m.Index).ThenByDescending(m => m.Length);
        var end = -1;
        foreach (var m in found)
        {
            if (m.Index < end) continue;
            end = m.Index + m.Length;
            yield return new TermMatch(m.Value, m.Name, field, m.Index);
        }
    }

    /// <summary>Third-party mentions, minus those inside a side's own match.</summary>
    private static IEnumerable<TermMatch> ThirdParties(CompiledTopic topic, string field, string text, List<TermMatch> sides) =>
        topic.ThirdParties is not { } pattern ? [] : pattern.Matches(text)
            .Where(m => !sides.Any(s => s.Field == field && m.Index < s.Offset + s.Term.Length && s.Offset < m.Index + m.Length))
            .Select(m => new TermMatch(m.Value, "third-party", field, m.Index));

    /// <summary>All sides named in [start, end) of a field, and more often than third parties.</summary>
    private static bool Joint(TopicRule rule, Dictionary<string, TermGroup> groups, List<TermMatch> matches, List<TermMatch> others, string field, int start, int end)
    {
        var inside = matches.Where(m => m.Field == field && m.Offset >= start && m.Offset < end).ToList();
        if (!rule.Sides.All(s => inside.Any(m => groups[m.Group].Sides.Contains(s)))) return false;
        var sideMentions = inside.Sum(m => groups[m.Group].Sides.Count);
        return sideMentions > others.Count(m => m.Field == field && m.Offset >= start && m.Offset < end);
    }
}
