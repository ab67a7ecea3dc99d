using Dapper;

namespace Aggregator.Storage;

/// <summary>Reads items newest first (by the date the source states, else when first seen),
/// each with its tags and sightings.</summary>
public sealed class ItemQueries(Database database)
{
    public async Task<IReadOnlyList<StoredItem>> NewestAsync(string? tag, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var sql = tag is null
            ? """
              SELECT id, entry_id, title, body, url, language, outlet, author, published_at, first_seen_at, updated_at
              FROM items
              ORDER BY coalesce(published_at, first_seen_at) DESC, id DESC
              LIMIT @limit
              """
            : """
              SELECT i.id, i.entry_id, i.title, i.body, i.url, i.language, i.outlet, i.author, i.published_at, i.first_seen_at, i.updated_at
              FROM items i JOIN item_tags t ON t.item_id = i.id AND t.tag = @tag
              ORDER BY coalesce(i.published_at, i.first_seen_at) DESC, i.id DESC
              LIMIT @limit
              """;
        var items = (await connection.QueryAsync<StoredItem>(new CommandDefinition(sql, new { tag, limit }, cancellationToken: ct))).ToList();
        if (items.Count == 0)
            return items;

        var ids = items.Select(i => i.Id).ToArray();
        var tags = (await connection.QueryAsync<StoredTag>(
            "SELECT item_id, tag, score, reason, evidence FROM item_tags WHERE item_id IN @ids ORDER BY tag", new { ids }))
            .ToLookup(t => t.ItemId);
        var sightings = (await connection.QueryAsync<StoredSighting>("""
            SELECT s.item_id, src.kind, src.locator, src.title AS source_title, s.url, s.first_seen_at
            FROM sightings s JOIN sources src ON src.id = s.source_id
            WHERE s.item_id IN @ids
            ORDER BY s.first_seen_at, s.id
            """, new { ids })).ToLookup(s => s.ItemId);
        return items.Select(i => i with { Tags = tags[i.Id].ToList(), Sightings = sightings[i.Id].ToList() }).ToList();
    }
}
