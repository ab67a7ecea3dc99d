using Aggregator.Processing.Tagging;
using Dapper;

namespace Aggregator.Storage;

/// <summary>Stored tags, recomputed when the topic rules change. The rules' version stored with
/// each tag (and as the setting "rules_version") says which rules produced them.</summary>
public sealed class TagStore(Database database)
{
    public sealed record ItemText(long Id, string Title, string Body);

    /// <summary>Items in id order after <paramref name="afterId"/>, a page at a time, so a large
    /// database is retagged without holding it in memory.</summary>
    public async Task<IReadOnlyList<ItemText>> PageAsync(long afterId, int size, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<ItemText>(
            "SELECT id, title, body FROM items WHERE id > @afterId ORDER BY id LIMIT @size", new { afterId, size })).ToList();
    }

    /// <summary>Replaces the tags of a page of items in one transaction; returns how many
    /// items' tags changed.</summary>
    public async Task<int> ReplaceAsync(IReadOnlyList<(long ItemId, IReadOnlyList<TagDecision> Tags)> page, string version, CancellationToken ct)
    {
        await using var write = await database.BeginWriteAsync(ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var changed = 0;
        foreach (var (itemId, tags) in page)
        {
            var before = (await connection.QueryAsync<string>("SELECT tag FROM item_tags WHERE item_id = @itemId ORDER BY tag", new { itemId }, tx)).ToList();
            if (!before.SequenceEqual(tags.Select(t => t.Tag).Order(StringComparer.Ordinal))) changed++;
            await connection.ExecuteAsync("DELETE FROM item_tags WHERE item_id = @itemId", new { itemId }, tx);
            await connection.ExecuteAsync("""
                INSERT INTO item_tags (item_id, tag, score, reason, evidence, rules_version)
                VALUES (@itemId, @Tag, @Score, @Reason, @Evidence, @version)
                """, tags.Select(t => new { itemId, t.Tag, t.Score, t.Reason, Evidence = EvidenceJson.Write(t.Evidence), version }), tx);
        }
        await write.CommitAsync(ct);
        return changed;
    }
}
