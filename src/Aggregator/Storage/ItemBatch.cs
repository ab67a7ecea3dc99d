using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;

namespace Aggregator.Storage;

/// <summary>Stores the entries of one feed poll in a handful of statements instead of several
/// per entry: the entries travel as one JSON array that SQLite's json_each() turns back into
/// rows, so the SQL stays constant while a 50-entry feed costs five statements, not 150.
/// Uniqueness is still the database's (ON CONFLICT); entries whose source already carried
/// other content take the one-by-one path, which handles edits.</summary>
public static class ItemBatch
{
    public static async Task<IReadOnlyList<StoreOutcome>> StoreInAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<IncomingItem> items, DateTime now)
    {
        var outcomes = new StoreOutcome[items.Count];
        if (items.Count == 0) return outcomes;
        if (items.Select(i => i.SourceId).Distinct().Count() > 1)
        {
            for (var i = 0; i < items.Count; i++) outcomes[i] = await ItemStore.StoreInAsync(connection, tx, items[i], now);
            return outcomes;
        }

        var sourceId = items[0].SourceId;
        var known = (await connection.QueryAsync<(string EntryKey, string ContentHash)>(
            "SELECT entry_key, content_hash FROM sightings WHERE source_id = @sourceId", new { sourceId }, tx))
            .ToDictionary(s => s.EntryKey, s => s.ContentHash, StringComparer.Ordinal);
        var fresh = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!known.TryGetValue(items[i].EntryKey, out var hash)) fresh.Add(i);
            else if (hash == items[i].ContentHash) outcomes[i] = StoreOutcome.Unchanged;
            else outcomes[i] = await ItemStore.StoreInAsync(connection, tx, items[i], now);
        }
        if (fresh.Count == 0) return outcomes;

        var stamp = Time(now);
        var inserted = (await connection.QueryAsync<(long Id, string ContentHash)>("""
            INSERT INTO items (content_hash, entry_id, title, body, url, language, outlet, author, published_at, first_seen_at, updated_at)
            SELECT json_extract(value, '$.h'), json_extract(value, '$.e'), json_extract(value, '$.t'), json_extract(value, '$.b'),
                   json_extract(value, '$.u'), json_extract(value, '$.l'), json_extract(value, '$.o'), json_extract(value, '$.a'),
                   json_extract(value, '$.p'), @stamp, @stamp
            FROM json_each(@rows) WHERE true
            ON CONFLICT (content_hash) DO NOTHING
            RETURNING id, content_hash
            """, new
        {
            stamp,
            rows = JsonSerializer.Serialize(fresh.Select(i => items[i]).Select(x => new
            {
                h = x.ContentHash,
                e = x.EntryId,
                t = x.Title,
                b = x.Body,
                u = x.Url,
                l = x.Language,
                o = x.Outlet,
                a = x.Author,
                p = x.PublishedAt is { } p ? Time(p) : null,
            })),
        }, tx)).ToDictionary(r => r.ContentHash, r => r.Id, StringComparer.Ordinal);

        var ids = (await connection.QueryAsync<(long Id, string ContentHash)>(
            "SELECT id, content_hash FROM items WHERE content_hash IN (SELECT value FROM json_each(@hashes))",
            new { hashes = JsonSerializer.Serialize(fresh.Select(i => items[i].ContentHash).Distinct()) }, tx))
            .ToDictionary(r => r.ContentHash, r => r.Id, StringComparer.Ordinal);

        var firstCopy = new HashSet<string>(StringComparer.Ordinal);
        var sightings = new List<object>();
        var tags = new List<object>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in fresh)
        {
            var item = items[i];
            if (!keys.Add(item.EntryKey)) { outcomes[i] = StoreOutcome.Unchanged; continue; } // a feed that lists an entry twice
            var id = ids[item.ContentHash];
            var isNew = inserted.ContainsKey(item.ContentHash) && firstCopy.Add(item.ContentHash);
            outcomes[i] = isNew ? StoreOutcome.Inserted : StoreOutcome.Sighted;
            sightings.Add(new { k = item.EntryKey, i = id, h = item.ContentHash, u = item.Url });
            if (isNew)
                tags.AddRange(item.Tags.Select(t => new { i = id, t = t.Tag, s = t.Score, r = t.Reason, e = EvidenceJson.Write(t.Evidence), v = item.RulesVersion }));
        }
        await connection.ExecuteAsync("""
            INSERT INTO sightings (source_id, entry_key, item_id, content_hash, url, first_seen_at, last_changed_at)
            SELECT @sourceId, json_extract(value, '$.k'), json_extract(value, '$.i'), json_extract(value, '$.h'), json_extract(value, '$.u'), @stamp, @stamp
            FROM json_each(@rows) WHERE true
            ON CONFLICT (source_id, entry_key) DO NOTHING
            """, new { sourceId, stamp, rows = JsonSerializer.Serialize(sightings) }, tx);
        if (tags.Count > 0)
            await connection.ExecuteAsync("""
                INSERT INTO item_tags (item_id, tag, score, reason, evidence, rules_version)
                SELECT json_extract(value, '$.i'), json_extract(value, '$.t'), json_extract(value, '$.s'), json_extract(value, '$.r'),
                       json_extract(value, '$.e'), json_extract(value, '$.v')
                FROM json_each(@rows)
                """, new { rows = JsonSerializer.Serialize(tags) }, tx);
        return outcomes;
    }

    /// <summary>The stored form of times (see UtcDateTimeHandler), so text comparison orders them.</summary>
    private static string Time(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
