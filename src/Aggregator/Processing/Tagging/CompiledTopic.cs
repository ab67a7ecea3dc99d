namespace Aggregator.Processing.Tagging;

/// <summary>A topic rule with all its term lists in one matcher, built once at start or when
/// the rules change. Labels 0..n-1 are the term groups (class 0); then the exclusions
/// (class 1), the third parties (class 2) and the other subjects (class 3).</summary>
public sealed record CompiledTopic(TopicRule Rule, TermMatcher Matcher)
{
    public const int GroupClass = 0, ExcludeClass = 1, ThirdPartyClass = 2, OtherSubjectClass = 3;

    public static CompiledTopic From(TopicRule rule)
    {
        var lists = rule.Groups.Select(g => Listed(g.Terms, namesTwoParties: g.Sides.Count >= 2))
            .Append(Listed(rule.Exclude))
            .Append(Listed(rule.ThirdParties))
            .Append(Listed(rule.OtherSubjects))
            .ToList();
        var classes = rule.Groups.Select(_ => GroupClass).Append(ExcludeClass).Append(ThirdPartyClass).Append(OtherSubjectClass).ToList();
        return new CompiledTopic(rule, new TermMatcher(lists, classes));
    }

    private static IEnumerable<ListedTerm> Listed(Dictionary<string, List<string>> byLanguage, bool namesTwoParties = false) =>
        byLanguage.SelectMany(kv => kv.Value.Select(t => new ListedTerm(t, kv.Key, namesTwoParties)));

    public IReadOnlyDictionary<string, TermGroup> GroupsByName { get; } = Rule.Groups.ToDictionary(g => g.Name);

    public static IReadOnlyList<CompiledTopic> From(TopicRules rules) => rules.Topics.Select(From).ToList();
}
