namespace Aggregator.Processing.Tagging;

/// <summary>One matched term: where it stands (field and character offset) and what it counts for.</summary>
public sealed record TermMatch(string Term, string Group, string Field, int Offset);

/// <summary>A tag given to a document, with the score and the evidence that explain it.</summary>
public sealed record TagDecision(string Tag, double Score, string Reason, IReadOnlyList<TermMatch> Evidence);

/// <summary>The full account for one topic, given or not: what `aggregator tag` prints.</summary>
public sealed record TopicVerdict(string Topic, bool Tagged, double Score, string Reason,
    IReadOnlyList<TagDecision> Tags, IReadOnlyList<TermMatch> Matches);
