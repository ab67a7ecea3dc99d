using System.Text.RegularExpressions;

namespace Aggregator.Processing.Tagging;

/// <summary>A topic rule with its term lists compiled once, at start or when rules change.</summary>
public sealed record CompiledTopic(TopicRule Rule, IReadOnlyList<(TermGroup Group, Regex Pattern)> Groups, Regex? Exclude, Regex? ThirdParties)
{
    public static CompiledTopic From(TopicRule rule) => new(
        rule,
        rule.Groups
            .Select(g => (g, TermPattern.Compile(g.Terms.Values.SelectMany(t => t))))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.g, x.Item2!))
            .ToList(),
        TermPattern.Compile(rule.Exclude.Values.SelectMany(t => t)),
        TermPattern.Compile(rule.ThirdParties.Values.SelectMany(t => t)));

    public static IReadOnlyList<CompiledTopic> From(TopicRules rules) => rules.Topics.Select(From).ToList();
}
