using System.Data.Common;
using System.Globalization;
using Dapper;

namespace Aggregator.Storage;

/// <summary>Stores the entries of one feed poll with statements prepared once per poll instead
/// of parsed once per row: a 50-entry feed was 150 SQL texts through Dapper, now it is four
/// prepared statements. It is the one write path for entries, a document being a batch of
/// one. Uniqueness is still the database's (ON CONFLICT); an entry whose source carried other
/// content before is an edit, which ItemStore.UpdateInAsync handles.</summary>
public static class ItemBatch
{
    /// <param name="placeLater">When given, the new items are added to it for the caller to place
    /// in stories once for many feeds (StoryIndex.PlaceAsync); otherwise they are placed here.</param>
    public static async Task<IReadOnlyList<StoreOutcome>> StoreInAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<IncomingItem> items, DateTime now,
        List<StoryIndex.NewItem>? placeLater = null)
    {
        var outcomes = new StoreOutcome[items.Count];
        if (items.Count == 0) return outcomes;
        if (items.Any(i => i.SourceId != items[0].SourceId))
            throw new ArgumentException("a batch holds the entries of one source", nameof(items));

        var sourceId = items[0].SourceId;
        var known = (await connection.QueryAsync<(string EntryKey, string ContentHash)>(
            "SELECT entry_key, content_hash FROM sightings WHERE source_id = @sourceId", new { sourceId }, tx))
            .ToDictionary(s => s.EntryKey, s => s.ContentHash, StringComparer.Ordinal);
        var fresh = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!known.TryGetValue(items[i].EntryKey, out var hash)) fresh.Add(i);
            else if (hash == items[i].ContentHash) outcomes[i] = StoreOutcome.Unchanged;
            else
            {
                await ItemStore.UpdateInAsync(connection, tx, items[i], now);
                outcomes[i] = StoreOutcome.Updated;
            }
        }
        if (fresh.Count == 0) return outcomes;

        // Prepared statements, executed once per entry: no SQL is parsed per row.
        var stamp = Time(now);
        await using var insertItem = Prepared.Command(connection, tx, """
            INSERT INTO items (content_hash, entry_id, title, body, url, language, outlet, author, published_at, first_seen_at, updated_at, content_html)
            VALUES (@h, @e, @t, @b, @u, @l, @o, @a, @p, @now, @now, @c)
            ON CONFLICT (content_hash) DO NOTHING
            RETURNING id
            """, "h", "e", "t", "b", "u", "l", "o", "a", "p", "now", "c");
        await using var findItem = Prepared.Command(connection, tx, "SELECT id FROM items WHERE content_hash = @h", "h");
        await using var insertSighting = Prepared.Command(connection, tx, """
            INSERT INTO sightings (source_id, entry_key, item_id, content_hash, url, first_seen_at, last_changed_at)
            VALUES (@s, @k, @i, @h, @u, @now, @now)
            ON CONFLICT (source_id, entry_key) DO NOTHING
            """, "s", "k", "i", "h", "u", "now");
        await using var insertTag = Prepared.Command(connection, tx, """
            INSERT INTO item_tags (item_id, tag, score, reason, evidence, rules_version)
            VALUES (@i, @t, @c, @r, @e, @v)
            """, "i", "t", "c", "r", "e", "v");

        var placed = placeLater ?? [];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in fresh)
        {
            var item = items[index];
            if (!keys.Add(item.EntryKey)) { outcomes[index] = StoreOutcome.Unchanged; continue; } // a feed that lists an entry twice
            Prepared.Set(insertItem, item.ContentHash, item.EntryId, item.Title, item.Body, item.Url, item.Language, item.Outlet, item.Author,
                item.PublishedAt is { } p ? Time(p) : null, stamp, item.ContentHtml);
            long id;
            if (await insertItem.ExecuteScalarAsync() is long newId)
            {
                id = newId;
                placed.Add(new StoryIndex.NewItem(id, item.Story));
                outcomes[index] = StoreOutcome.Inserted;
                foreach (var tag in item.Tags)
                {
                    Prepared.Set(insertTag, id, tag.Tag, tag.Score, tag.Reason, EvidenceJson.Write(tag.Evidence), item.RulesVersion);
                    await insertTag.ExecuteNonQueryAsync();
                }
            }
            else
            {
                Prepared.Set(findItem, item.ContentHash);
                id = (long)(await findItem.ExecuteScalarAsync())!;
                outcomes[index] = StoreOutcome.Sighted;
            }
            Prepared.Set(insertSighting, sourceId, item.EntryKey, id, item.ContentHash, item.Url, stamp);
            await insertSighting.ExecuteNonQueryAsync();
        }
        if (placeLater is null && placed.Count > 0)
        {
            await using var stories = StoryIndex.Open(connection, tx);
            await stories.PlaceAsync(placed);
        }
        return outcomes;
    }

    /// <summary>The stored form of times (see UtcDateTimeHandler), so text comparison orders them.</summary>
    private static string Time(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
