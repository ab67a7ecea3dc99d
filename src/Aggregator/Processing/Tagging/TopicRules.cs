using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aggregator.Processing.Tagging;

/// <summary>config/topics.json as written by users: each topic names its sides, the groups of terms
/// (per language) that speak of each side, phrases that cancel a match, and the thresholds.</summary>
public sealed record TopicRules
{
    /// <summary>Bump when the rules change: stored tags from another version are recomputed.</summary>
    public required string Version { get; init; }
    public required List<TopicRule> Topics { get; init; }

    public static TopicRules Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var rules = JsonSerializer.Deserialize(stream, TopicRulesJson.Default.TopicRules)
                ?? throw new InvalidDataException($"{path}: empty");
            var problems = rules.Problems().ToList();
            if (problems.Count > 0)
                throw new InvalidDataException($"{path}: " + string.Join(" ", problems));
            return rules;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{path}: the topics file does not exist (set Aggregator:Tagging:TopicsFile or --config).", e);
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>A * anywhere but once at the end, right after a letter: "Nord*korea", "Korea**",
    /// "Korea *" (which would match any word after "Korea", or any word at all).</summary>
    private static bool MisplacedStar(string term)
    {
        var star = term.IndexOf('*', StringComparison.Ordinal);
        return star >= 0 && (star != term.Length - 1 || star == 0 || !char.IsLetterOrDigit(term[star - 1]));
    }

    private IEnumerable<string> Problems()
    {
        foreach (var (topic, t) in Topics.Select((t, i) => (t, i)))
        {
            var at = $"topics[{t}] ({topic.Tag})";
            if (topic.Sides.Count == 0) yield return $"{at}.sides is empty.";
            foreach (var twice in topic.Groups.GroupBy(g => g.Name).Where(g => g.Count() > 1))
                yield return $"{at}.groups: the name \"{twice.Key}\" is used by {twice.Count()} groups.";
            foreach (var group in topic.Groups)
            {
                foreach (var side in group.Sides.Where(s => !topic.Sides.Contains(s)))
                    yield return $"{at}.groups.{group.Name}: side \"{side}\" is not one of the topic's sides.";
                if (group.Subtag is { } sub && !topic.Subtags.Contains(sub))
                    yield return $"{at}.groups.{group.Name}: subtag \"{sub}\" is not listed in subtags.";
                foreach (var (language, terms) in group.Terms)
                    if (terms.Any(string.IsNullOrWhiteSpace))
                        yield return $"{at}.groups.{group.Name}.terms.{language} has an empty term.";
            }
            // A * matches any word ending only at a term's end: elsewhere it would be a literal
            // star, and the term would silently never match.
            foreach (var (list, byLanguage) in new[] { ("exclude", topic.Exclude), ("thirdParties", topic.ThirdParties), ("otherSubjects", topic.OtherSubjects) }
                         .Concat(topic.Groups.Select(g => ($"groups.{g.Name}.terms", g.Terms))))
                foreach (var (language, terms) in byLanguage)
                    foreach (var term in terms.Where(t => t is not null && MisplacedStar(t.Trim())))
                        yield return $"{at}.{list}.{language}: \"{term}\" has a * that does not end a word (a * may only end a term, right after a letter).";
        }
    }
}

/// <remarks>The optional members have setters, not init: the generated reader sets every init
/// member, and one missing from the file became null or 0 instead of its default (a topic without
/// "exclude" failed to compile, one without "minSideScore" tagged on any mention).</remarks>
public sealed record TopicRule
{
    public required string Tag { get; init; }
    public string Definition { get; set; } = "";
    public required List<string> Sides { get; init; }
    public List<string> Subtags { get; set; } = [];
    public required List<TermGroup> Groups { get; init; }

    /// <summary>Phrases whose matches are not evidence: "South China Sea" says nothing of China.</summary>
    public Dictionary<string, List<string>> Exclude { get; set; } = [];

    public double TitleWeight { get; set; } = 3;

    /// <summary>Every side needs at least this weighted count of matches.</summary>
    public double MinSideScore { get; set; } = 2;

    /// <summary>Countries and places other than the sides. A sentence where the sides are only
    /// two items in a list of countries (a medal table, a tourism ranking, a draw) does not
    /// relate them: it counts as joint only when the sides are named more often than these.</summary>
    public Dictionary<string, List<string>> ThirdParties { get; set; } = [];

    /// <summary>Words that put a sentence on another subject than relations: a game between
    /// national teams ("football", "축구", "足球") is a match, not a relation, whoever plays. A
    /// sentence (or headline) naming one joins no sides; its matches still count for each side.</summary>
    public Dictionary<string, List<string>> OtherSubjects { get; set; } = [];

    /// <summary>Sentences of the body in which all sides are named together (and outnumber
    /// third parties). A headline that joins the sides counts instead only when the body is at
    /// most <see cref="ShortBodySentences"/> sentences long (a feed summary): a long body that
    /// never relates them in one sentence is a roundup under a catchy title.</summary>
    public int MinJointSentences { get; set; } = 1;

    public int ShortBodySentences { get; set; } = 2;

    /// <summary>In a body longer than <see cref="ShortBodySentences"/>, each side must be named in
    /// at least this many sentences: a side named in one sentence only ("asked whether the alliance
    /// was aimed at China, an official said…"; "the Chinese premier Li Qiang, the South Korean
    /// president Lee…" in a list of leaders) is there in passing, however the headline lists it,
    /// unless the body's first sentence joins the sides (a lead states the subject).</summary>
    public int MinBodySentences { get; set; } = 2;

    /// <summary>A subtag needs this share of the weight of its side's specific evidence (the
    /// groups that give a subtag): "Korea" alone says neither North nor South, so a story naming
    /// "South Korea" twice and "Korea" ten times is still the South's.</summary>
    public double SubtagMinShare { get; set; } = 0.3;

    /// <summary>The side whose evidence subtags divide between them (default: the last side).</summary>
    public string? SubtagSide { get; init; }
}

public sealed record TermGroup
{
    public required string Name { get; init; }
    public required List<string> Sides { get; init; }
    public string? Subtag { get; init; }

    /// <summary>Terms per language. Every term is looked for in every document, since sources mix
    /// languages, with one exception: a term listed under "ko" in Han characters only (中, 韓, 北,
    /// the Hanja abbreviations of Korean headlines) matches only as a word of Korean text. A
    /// trailing * matches any word ending ("Nordkorea*" finds "Nordkoreas"); terms in CJK scripts
    /// match inside words.</summary>
    public required Dictionary<string, List<string>> Terms { get; init; }
}

/// <summary>The reader of topics.json, generated at build time: read by reflection, it emitted and
/// compiled code at every start, a fifth of what `run-once` spends on starting.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(TopicRules))]
internal sealed partial class TopicRulesJson : JsonSerializerContext;
