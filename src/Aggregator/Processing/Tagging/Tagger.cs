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
        var joint = JointParagraphs(rule, groups, matches, body);
        var score = sideScores.Values.DefaultIfEmpty(0).Min();
        var tagged = score >= rule.MinSideScore && joint >= rule.MinJointParagraphs;
        var reason = string.Join(", ", sideScores.Select(kv => $"{kv.Key} {kv.Value:0.#}"))
            + $"; named together in {joint} paragraph(s)"
            + (tagged ? "" : score < rule.MinSideScore ? $"; a side is below {rule.MinSideScore}" : $"; fewer than {rule.MinJointParagraphs} joint paragraph(s)");
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

    private static int JointParagraphs(TopicRule rule, Dictionary<string, TermGroup> groups, List<TermMatch> matches, string body)
    {
        bool AllSides(IEnumerable<TermMatch> ms) =>
            rule.Sides.All(s => ms.Any(m => groups[m.Group].Sides.Contains(s)));

        var count = AllSides(matches.Where(m => m.Field == "title")) ? 1 : 0;
        var start = 0;
        foreach (var paragraph in body.Split('\n'))
        {
            var end = start + paragraph.Length;
            var inside = matches.Where(m => m.Field == "body" && m.Offset >= start && m.Offset < end);
            if (paragraph.Length > 0 && AllSides(inside)) count++;
            start = end + 1;
        }
        return count;
    }
}
