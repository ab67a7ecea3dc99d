using Dapper;

namespace Aggregator.Storage;

/// <summary>Reads items newest first (by the date the source states, else when first seen),
/// each with its tags and sightings. Collapsed (the default), a story is one entry: the item
/// that started it (the earliest copy), with the other copies as "also reported by"; a story
/// has a tag when any of its copies has it.</summary>
public sealed class ItemQueries(Database database)
{
    private const string Columns = "i.id, i.entry_id, i.title, i.body, i.url, i.language, i.outlet, i.author, i.published_at, i.first_seen_at, i.updated_at";

    public async Task<IReadOnlyList<StoredItem>> NewestAsync(string? tag, int limit, CancellationToken ct, bool collapse = true)
    {
        await using var connection = await database.OpenAsync(ct);
        var filter = (tag, collapse) switch
        {
            (null, false) => "",
            (null, true) => "WHERE i.story_id IS NULL",
            (_, false) => "WHERE EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND t.tag = @tag)",
            (_, true) => """
                WHERE i.story_id IS NULL
                  AND (EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND t.tag = @tag)
                       OR EXISTS (SELECT 1 FROM items m JOIN item_tags t ON t.item_id = m.id AND t.tag = @tag WHERE m.story_id = i.id))
                """,
        };
        var sql = $"""
            SELECT {Columns} FROM items i
            {filter}
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
        var copies = !collapse ? null : (await connection.QueryAsync<StoryCopy>("""
            SELECT m.story_id, m.id AS item_id, m.title, coalesce(s.url, m.url) AS url, m.outlet, src.title AS source_title, src.locator
            FROM items m JOIN sightings s ON s.item_id = m.id JOIN sources src ON src.id = s.source_id
            WHERE m.story_id IN @ids
            ORDER BY m.first_seen_at, m.id, s.id
            """, new { ids })).ToLookup(c => c.StoryId);
        return items.Select(i => i with
        {
            Tags = tags[i.Id].ToList(),
            Sightings = sightings[i.Id].ToList(),
            AlsoReportedBy = copies?[i.Id].ToList() ?? [],
        }).ToList();
    }
}
