namespace Aggregator.Processing.Tagging;

/// <summary>Decides topics by salience, not bare co-occurrence: each side of a topic needs weighted
/// evidence (a title match weighs more), and the sides must be named together in the title or
/// in at least one paragraph. Matches inside excluded phrases are not evidence.</summary>
public static class Tagger
{
    public static IReadOnlyList<TagDecision> Tag(IReadOnlyList<CompiledTopic> topics, string title, string body)
    {
        var tags = new List<TagDecision>();
        foreach (var topic in topics)
        {
            var found = Scan(topic, title, body);
            // Most documents name no side at all: they need no sentence split and no reason text.
            if (topic.Rule.MinSideScore > 0 && !EverySideNamed(topic, found.Sides)) continue;
            tags.AddRange(Judge(topic, found, title, body).Tags);
        }
        return tags;
    }

    public static TopicVerdict Judge(CompiledTopic topic, string title, string body) =>
        Judge(topic, Scan(topic, title, body), title, body);

    /// <remarks>Loops, not LINQ: this runs for every document and topic, and its closures and
    /// iterators (with Scan's) were half of what tagging a cold cycle allocated.</remarks>
    private static bool EverySideNamed(CompiledTopic topic, List<TermMatch> matches)
    {
        foreach (var side in topic.Rule.Sides)
        {
            var named = false;
            foreach (var m in matches)
                if (m.Field != Dateline && topic.GroupsByName[m.Group].Sides.Contains(side)) { named = true; break; }
            if (!named) return false;
        }
        return true;
    }

    /// <summary>The field of a match in the wire dateline that opens a body ("(서울=연합뉴스)",
    /// "BEIJING (Reuters) -"): where the reporter files from, not what the story is about. It
    /// counts only towards which sub-tag a tagged story gets (a Seoul dateline leans to the
    /// South). Documents lose their dateline when they are read.</summary>
    public const string Dateline = "dateline";

    private static TopicVerdict Judge(CompiledTopic topic, Found found, string title, string body)
    {
        var rule = topic.Rule;
        var matches = found.Sides;
        var others = found.Others;
        var groups = topic.GroupsByName;

        double Weight(TermMatch m) => m.Field == "title" ? rule.TitleWeight : 1;
        var sideScores = rule.Sides.ToDictionary(s => s,
            s => matches.Where(m => m.Field != Dateline && groups[m.Group].Sides.Contains(s)).Sum(Weight));
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
            var sideWeight = matches.Where(m => groups[m.Group].Sides.Contains(side)).Sum(Weight);
            var share = sideWeight == 0 ? 0 : own.Sum(Weight) / sideWeight;
            if (share >= rule.SubtagMinShare)
                tags.Add(new(subtag, Math.Round(share, 3), $"{share:P0} of the {side} evidence", own));
        }
        return new TopicVerdict(rule.Tag, true, score, reason, tags, matches);
    }

    private sealed record Found(List<TermMatch> Sides, List<TermMatch> Others);

    private static Found Scan(CompiledTopic topic, string title, string body)
    {
        var sides = new List<TermMatch>();
        var others = new List<TermMatch>();
        Scan(topic, "title", title, 0, sides, others);
        Scan(topic, "body", body, DatelineLength(body), sides, others);
        return new Found(sides, others);
    }

    /// <summary>How long the wire dateline a feed entry's body opens with is (see <see cref="Dateline"/>).</summary>
    private static int DatelineLength(string body) => Parsing.Documents.Datelines.WireLength(body);

    /// <summary>Side matches outside excluded phrases, and third-party mentions outside side
    /// matches; those before <paramref name="from"/> (a dateline) are the dateline's.</summary>
    private static void Scan(CompiledTopic topic, string field, string text, int from, List<TermMatch> sides, List<TermMatch> others)
    {
        var hits = topic.Matcher.Find(text);
        var excluded = hits[CompiledTopic.ExcludeClass];
        var first = sides.Count;
        foreach (var h in hits[CompiledTopic.GroupClass])
            if (!Within(h, excluded))
                sides.Add(new TermMatch(text.Substring(h.Start, h.Length), topic.Rule.Groups[h.Label].Name, h.Start < from ? Dateline : field, h.Start));
        foreach (var h in hits[CompiledTopic.ThirdPartyClass])
            if (h.Start >= from && !Overlaps(h, sides, first))
                others.Add(new TermMatch(text.Substring(h.Start, h.Length), "third-party", field, h.Start));
    }

    private static bool Within(TermHit h, List<TermHit> excluded)
    {
        foreach (var e in excluded)
            if (h.Start >= e.Start && h.Start + h.Length <= e.Start + e.Length) return true;
        return false;
    }

    /// <summary>Whether a hit overlaps a side match of this field (those from <paramref name="first"/> on).</summary>
    private static bool Overlaps(TermHit h, List<TermMatch> sides, int first)
    {
        for (var i = first; i < sides.Count; i++)
            if (h.Start < sides[i].Offset + sides[i].Term.Length && sides[i].Offset < h.Start + h.Length) return true;
        return false;
    }

    /// <summary>All sides named in [start, end) of a field, and more often than third parties.</summary>
    private static bool Joint(TopicRule rule, IReadOnlyDictionary<string, TermGroup> groups, List<TermMatch> matches, List<TermMatch> others, string field, int start, int end)
    {
        // Called for every sentence of a document that names every side: loops, not LINQ.
        foreach (var side in rule.Sides)
        {
            var named = false;
            foreach (var m in matches)
                if (In(m) && groups[m.Group].Sides.Contains(side)) { named = true; break; }
            if (!named) return false;
        }
        var sideMentions = 0;
        foreach (var m in matches)
            if (In(m)) sideMentions += groups[m.Group].Sides.Count;
        var thirdParty = 0;
        foreach (var m in others)
            if (In(m)) thirdParty++;
        return sideMentions > thirdParty;

        bool In(TermMatch m) => m.Field == field && m.Offset >= start && m.Offset < end;
    }
}
