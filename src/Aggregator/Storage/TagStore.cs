using System.Data.Common;
using Aggregator.Processing.Tagging;
using Dapper;

namespace Aggregator.Storage;

/// <summary>Stored tags, recomputed when the topic rules change. The rules' version stored with
/// each tag (and as the setting "rules_version") says which rules produced them.</summary>
public sealed class TagStore(Database database, TimeProvider time)
{
    public sealed record ItemText(long Id, string Title, string Body, string Language);

    /// <summary>Items in id order after <paramref name="afterId"/>, a page at a time, so a large
    /// database is retagged without holding it in memory.</summary>
    public async Task<IReadOnlyList<ItemText>> PageAsync(long afterId, int size, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<ItemText>(
            "SELECT id, title, body, language FROM items WHERE id > @afterId ORDER BY id LIMIT @size", new { afterId, size })).ToList();
    }

    /// <summary>Stores languages detected again (see Retagger); only items still as they were read.</summary>
    public async Task SetLanguagesAsync(IReadOnlyList<(long ItemId, string Was, string Language)> languages, CancellationToken ct)
    {
        if (languages.Count == 0) return;
        await using var write = await database.BeginWriteAsync(ct);
        foreach (var (itemId, was, language) in languages)
            await write.Connection.ExecuteAsync("UPDATE items SET language = @language WHERE id = @itemId AND language = @was",
                new { itemId, was, language }, write.Transaction);
        await write.CommitAsync(ct);
    }

    /// <summary>Replaces the tags of a page of items in one transaction; returns how many
    /// items' tags changed.</summary>
    public async Task<int> ReplaceAsync(IReadOnlyList<(long ItemId, IReadOnlyList<TagDecision> Tags)> page, string version, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var write = await database.BeginWriteAsync(ct);
        var changed = 0;
        foreach (var (itemId, tags) in page)
            if (await ReplaceOfAsync(write.Connection, write.Transaction, itemId, tags, version, now)) changed++;
        await write.CommitAsync(ct);
        return changed;
    }

    /// <summary>Replaces a stored item's tags with <paramref name="tags"/>: a tag it keeps keeps
    /// when it was given (tagged_at), a tag it gains is dated <paramref name="now"/>, so digests
    /// see a story that became Korea–China coverage after it was first stored. Returns whether
    /// the set of tags changed.</summary>
    public static async Task<bool> ReplaceOfAsync(DbConnection connection, DbTransaction tx,
        long itemId, IReadOnlyList<TagDecision> tags, string version, DateTime now)
    {
        var before = (await connection.QueryAsync<string>("SELECT tag FROM item_tags WHERE item_id = @itemId", new { itemId }, tx)).ToHashSet(StringComparer.Ordinal);
        var after = tags.Select(t => t.Tag).ToArray();
        await connection.ExecuteAsync(
            $"DELETE FROM item_tags WHERE item_id = @itemId AND NOT {Dialect.InList(connection, "tag", "after")}", new { itemId, after }, tx);
        await connection.ExecuteAsync("""
            INSERT INTO item_tags (item_id, tag, score, reason, evidence, rules_version, tagged_at)
            VALUES (@itemId, @Tag, @Score, @Reason, @Evidence, @version, @now)
            ON CONFLICT (item_id, tag) DO UPDATE SET score = excluded.score, reason = excluded.reason,
                evidence = excluded.evidence, rules_version = excluded.rules_version
            """, tags.Select(t => new { itemId, t.Tag, t.Score, t.Reason, Evidence = EvidenceJson.Write(t.Evidence), version, now }), tx);
        return !before.SetEquals(after);
    }
}
