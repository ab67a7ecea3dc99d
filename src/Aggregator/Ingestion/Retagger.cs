using Aggregator.Processing.Tagging;
using Aggregator.Storage;

namespace Aggregator.Ingestion;

/// <summary>Recomputes the tags of stored items from their stored text with the current topic
/// rules: after `aggregator retag`, and at service start when the rules' version differs from
/// the one the stored tags were computed with.</summary>
public sealed class Retagger(TagStore tags, SettingsStore settings, TopicCatalog topics, ILogger<Retagger> logger)
{
    public sealed record Summary(int Items, int Changed, string Version);

    private const int PageSize = 500;
    private const string RulesVersionKey = "rules_version";

    /// <summary>Bumped when the tagger's code judges the same rules differently (2: a middle dot
    /// or hyphen joins CJK parties, "한·중"; 3: Hanja abbreviations and two-party Korean terms
    /// placed as words, a wire dateline no evidence; 4: reasons name the matched words and quote
    /// the first sentence that joins the sides; 5: a game's score is another subject, a dateline
    /// may name two places; 6: under a headline on another subject, a sentence naming a third
    /// country too is a ranking), so that stored tags are recomputed once after an upgrade as
    /// they are after an edit of the rules.</summary>
    private const string MatchingVersion = "6";

    private static string Stamp(string rulesVersion) => $"{rulesVersion} (matching {MatchingVersion})";

    public async Task<Summary> RetagAllAsync(CancellationToken ct)
    {
        var (items, changed, after) = (0, 0, 0L);
        var rules = topics.Current;
        while (true)
        {
            var page = await tags.PageAsync(after, PageSize, ct);
            if (page.Count == 0) break;
            var decided = page.Select(i => (i.Id, Tagger.Tag(rules.Topics, i.Title, i.Body))).ToList();
            changed += await tags.ReplaceAsync(decided, rules.Version, ct);
            // Chinese stored before its script was told apart ("zh") gets it now, so that a
            // filter for traditional or simplified characters finds the archive too.
            await tags.SetLanguagesAsync(page.Where(i => i.Language == "zh")
                .Select(i => (i.Id, i.Language, Parsing.LanguageDetector.Detect(i.Title, i.Body)))
                .Where(i => i.Item3 != i.Language).ToList(), ct);
            items += page.Count;
            after = page[^1].Id;
        }
        await settings.SetAsync(RulesVersionKey, Stamp(rules.Version), ct);
        return new Summary(items, changed, rules.Version);
    }

    /// <summary>For the running service, before each cycle: when the topics file has changed, its
    /// rules are taken and every item is retagged with them, whatever version the stored tags
    /// claim (`aggregator retag` from the command line records the new version while the service
    /// was still tagging with the old rules). A broken file is reported and the rules in use stay.</summary>
    /// <returns>What the retag did; null when the file had not changed (or is broken).</returns>
    public async Task<Summary?> FollowRulesFileAsync(CancellationToken ct)
    {
        try
        {
            if (!topics.Reload()) return null;
        }
        catch (InvalidDataException e)
        {
            logger.LogError("Topic rules not reloaded: {Reason}; the rules in use ({Version}) stay until the file is fixed", e.Message, topics.Version);
            return null;
        }
        var summary = await RetagAllAsync(ct);
        logger.LogInformation("Topic rules file changed (now {Version}): retagged {Items} item(s), {Changed} changed", summary.Version, summary.Items, summary.Changed);
        return summary;
    }

    /// <summary>Retags when the stored tags come from other rules or an older tagger. A new database has no
    /// version yet and nothing to retag: it only records the current one.</summary>
    public async Task<Summary?> RetagIfRulesChangedAsync(CancellationToken ct)
    {
        var stored = await settings.GetAsync(RulesVersionKey, ct);
        if (stored == Stamp(topics.Version)) return null;
        var summary = await RetagAllAsync(ct);
        if (summary.Items > 0)
            logger.LogInformation("Topic rules changed ({Old} → {New}): retagged {Items} item(s), {Changed} changed",
                stored ?? "none", summary.Version, summary.Items, summary.Changed);
        return summary;
    }
}
