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
        var known = await KnownEntries.OfSourceAsync(connection, tx, sourceId);
        var entries = items.ToArray(); // some take a hash of their own (KnownEntries.KeepApart)
        items = entries;
        // Content removed (ItemRemoval) is not stored again while a tombstone keeps it out, under
        // its hash or the hash of its own KeepApart gives it (null: nothing was ever removed, the
        // usual case).
        var removed = await ItemRemoval.RemovedAmongAsync(connection, tx, items);
        var fresh = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (removed is not null && removed.Contains(items[i])) outcomes[i] = StoreOutcome.Unchanged;
            else if (!known.TryGetValue(items[i].EntryKey, out var sighting)) fresh.Add(i);
            else if ((entries[i] = KnownEntries.OwnIfSo(items[i], sighting)).ContentHash == sighting.ContentHash)
                outcomes[i] = await KnownEntries.RetouchedAsync(connection, tx, sighting, items[i], now) ? StoreOutcome.Updated : StoreOutcome.Unchanged;
            else
            {
                await ItemStore.UpdateInAsync(connection, tx, items[i], now);
                outcomes[i] = StoreOutcome.Updated;
            }
        }
        if (fresh.Count > 0 && known.Count > 0)
            fresh = await KnownEntries.RekeyedAsync(connection, tx, sourceId, items, fresh, known, outcomes, now);
        if (fresh.Count > 0 && known.Count > 0)
            fresh = await KnownEntries.CorrectedSharingAKeyAsync(connection, tx, sourceId, items, fresh, known, outcomes, now);
        if (fresh.Count == 0) return outcomes;
        KnownEntries.KeepApart(entries, fresh, known);

        var stamp = Time(now);
        var placed = placeLater ?? [];
        if (connection is Npgsql.NpgsqlConnection)
            await StoreFreshAsArraysAsync(connection, tx, items, fresh, outcomes, now, placed);
        else
            StoreFreshRowByRow(connection, tx, items, fresh, outcomes, stamp, placed);
        if (placeLater is null && placed.Count > 0)
        {
            await using var stories = StoryIndex.Open(connection, tx);
            await stories.PlaceAsync(placed);
        }
        return outcomes;
    }

    /// <summary>SQLite, in process: statements prepared on SQLite's handle (SqliteStatement) and
    /// executed once per entry, no SQL parsed per row and nothing built per execution.</summary>
    private static void StoreFreshRowByRow(DbConnection connection, DbTransaction tx, IReadOnlyList<IncomingItem> items, List<int> fresh,
        StoreOutcome[] outcomes, string stamp, List<StoryIndex.NewItem> placed)
    {
        var sourceId = items[0].SourceId;
        using var insertItem = new SqliteStatement(connection, """
            INSERT INTO items (content_hash, entry_id, title, body, url, language, outlet, author, published_at, first_seen_at, updated_at, content_html, enclosures)
            VALUES (@h, @e, @t, @b, @u, @l, @o, @a, @p, @now, @now, @c, @x)
            ON CONFLICT (content_hash) DO NOTHING
            RETURNING id
            """, "h", "e", "t", "b", "u", "l", "o", "a", "p", "now", "c", "x");
        using var findItem = new SqliteStatement(connection, "SELECT id FROM items WHERE content_hash = @h", "h");
        using var fillItem = new SqliteStatement(connection, FillSql, "i", "p", "u", "o", "a", "now");
        using var insertSighting = new SqliteStatement(connection, """
            INSERT INTO sightings (source_id, entry_key, item_id, content_hash, url, first_seen_at, last_changed_at)
            VALUES (@s, @k, @i, @h, @u, @now, @now)
            ON CONFLICT (source_id, entry_key) DO NOTHING
            """, "s", "k", "i", "h", "u", "now");
        using var insertTag = new SqliteStatement(connection, """
            INSERT INTO item_tags (item_id, tag, score, reason, evidence, rules_version)
            VALUES (@i, @t, @c, @r, @e, @v)
            """, "i", "t", "c", "r", "e", "v");

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in fresh)
        {
            var item = items[index];
            if (!keys.Add(item.EntryKey)) { outcomes[index] = StoreOutcome.Unchanged; continue; } // a feed that lists an entry twice
            insertItem.Bind(0, item.ContentHash);
            insertItem.Bind(1, item.EntryId);
            insertItem.Bind(2, item.Title);
            insertItem.Bind(3, item.Body);
            insertItem.Bind(4, item.Url);
            insertItem.Bind(5, item.Language);
            insertItem.Bind(6, item.Outlet);
            insertItem.Bind(7, item.Author);
            insertItem.Bind(8, item.PublishedAt is { } p ? Time(p) : null);
            insertItem.Bind(9, stamp);
            insertItem.Bind(10, item.ContentHtml);
            insertItem.Bind(11, item.Enclosures);
            long? inserted;
            try
            {
                inserted = insertItem.Run();
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (ItemStore.EntryIdTaken(e))
            {
                insertItem.Bind(1, ItemStore.FreeEntryIdAsync(connection, tx, item).GetAwaiter().GetResult()); // SQLite: synchronous underneath
                inserted = insertItem.Run();
            }
            long id;
            if (inserted is { } newId)
            {
                id = newId;
                placed.Add(new StoryIndex.NewItem(id, item.Story));
                outcomes[index] = StoreOutcome.Inserted;
                foreach (var tag in item.Tags)
                {
                    insertTag.Bind(0, id);
                    insertTag.Bind(1, tag.Tag);
                    insertTag.Bind(2, tag.Score);
                    insertTag.Bind(3, tag.Reason);
                    insertTag.Bind(4, EvidenceJson.Write(tag.Evidence));
                    insertTag.Bind(5, item.RulesVersion);
                    insertTag.Run();
                }
            }
            else
            {
                findItem.Bind(0, item.ContentHash);
                id = findItem.Run()!.Value;
                outcomes[index] = StoreOutcome.Sighted;
                if (item.PublishedAt is not null || item.Url is not null)
                {
                    fillItem.Bind(0, id);
                    fillItem.Bind(1, item.PublishedAt is { } published ? Time(published) : null);
                    fillItem.Bind(2, item.Url);
                    fillItem.Bind(3, item.Outlet);
                    fillItem.Bind(4, item.Author);
                    fillItem.Bind(5, stamp);
                    fillItem.Run();
                }
            }
            insertSighting.Bind(0, sourceId);
            insertSighting.Bind(1, item.EntryKey);
            insertSighting.Bind(2, id);
            insertSighting.Bind(3, item.ContentHash);
            insertSighting.Bind(4, item.Url);
            insertSighting.Bind(5, stamp);
            insertSighting.Run();
        }
    }

    /// <summary>PostgreSQL, a round trip away: the poll's entries go in as arrays, four statements
    /// for the whole feed instead of two or three per entry (a cold cycle over 10,000 feeds spent
    /// most of its time on round trips). Same outcomes as row by row: the first entry with a new
    /// content is inserted, later ones with the same content are sightings of it.</summary>
    private static async Task StoreFreshAsArraysAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<IncomingItem> items, List<int> fresh,
        StoreOutcome[] outcomes, DateTime now, List<StoryIndex.NewItem> placed)
    {
        var stamp = Time(now);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<int>();
        foreach (var index in fresh)
            if (keys.Add(items[index].EntryKey)) rows.Add(index);
            else outcomes[index] = StoreOutcome.Unchanged; // a feed that lists an entry twice
        var entries = rows.Select(i => items[i]).ToList();

        var inserted = (await connection.QueryAsync<(long Id, string Hash)>("""
            INSERT INTO items (content_hash, entry_id, title, body, url, language, outlet, author, published_at, first_seen_at, updated_at, content_html, enclosures)
            SELECT h, e, t, b, u, l, o, a, p, @now, @now, c, x
            FROM unnest(@h::text[], @e::text[], @t::text[], @b::text[], @u::text[], @l::text[], @o::text[], @a::text[], @p::text[], @c::text[], @x::text[])
                 AS x(h, e, t, b, u, l, o, a, p, c, x)
            ON CONFLICT DO NOTHING
            RETURNING id, content_hash
            """, new
        {
            h = entries.Select(e => e.ContentHash).ToArray(),
            e = entries.Select(e => e.EntryId).ToArray(),
            t = entries.Select(e => e.Title).ToArray(),
            b = entries.Select(e => e.Body).ToArray(),
            u = entries.Select(e => e.Url).ToArray(),
            l = entries.Select(e => e.Language).ToArray(),
            o = entries.Select(e => e.Outlet).ToArray(),
            a = entries.Select(e => e.Author).ToArray(),
            p = entries.Select(e => e.PublishedAt is { } d ? Time(d) : null).ToArray(),
            c = entries.Select(e => e.ContentHtml).ToArray(),
            x = entries.Select(e => e.Enclosures).ToArray(),
            now = stamp,
        }, tx)).ToDictionary(r => r.Hash, r => r.Id, StringComparer.Ordinal);
        var stored = new Dictionary<string, long>(inserted, StringComparer.Ordinal);
        var elsewhere = entries.Select(e => e.ContentHash).Where(h => !inserted.ContainsKey(h)).Distinct().ToArray();
        if (elsewhere.Length > 0)
            foreach (var (id, hash) in await connection.QueryAsync<(long, string)>(
                "SELECT id, content_hash FROM items WHERE content_hash = ANY(@elsewhere)", new { elsewhere }, tx))
                stored[hash] = id;
        // Neither inserted nor stored: refused for its published id, which an item corrected in
        // place still carries (EntryIds.Candidates). Rare, so one row at a time under another id.
        foreach (var entry in entries.Where(e => !stored.ContainsKey(e.ContentHash)).DistinctBy(e => e.ContentHash))
            if (await ItemStore.InsertRowAsync(connection, tx, entry, now) is { } id)
                stored[entry.ContentHash] = inserted[entry.ContentHash] = id;

        var tags = new List<(long Item, IncomingItem Entry, int Tag)>();
        var sightingItems = new long[entries.Count];
        var newItems = new List<StoryIndex.NewItem>();
        var sighted = new List<(long Id, IncomingItem Entry)>();
        for (var n = 0; n < entries.Count; n++)
        {
            var entry = entries[n];
            var id = sightingItems[n] = stored[entry.ContentHash];
            if (inserted.Remove(entry.ContentHash)) // the first entry with this content
            {
                outcomes[rows[n]] = StoreOutcome.Inserted;
                newItems.Add(new StoryIndex.NewItem(id, entry.Story));
                for (var t = 0; t < entry.Tags.Count; t++) tags.Add((id, entry, t));
            }
            else
            {
                outcomes[rows[n]] = StoreOutcome.Sighted;
                sighted.Add((id, entry));
            }
        }
        foreach (var (id, entry) in sighted.Where(s => s.Entry.PublishedAt is not null || s.Entry.Url is not null))
            await connection.ExecuteAsync(FillSql, new { i = id, p = entry.PublishedAt is { } d ? Time(d) : null, u = entry.Url, o = entry.Outlet, a = entry.Author, now = stamp }, tx);
        placed.AddRange(newItems.OrderBy(i => i.Id));
        if (tags.Count > 0)
            await connection.ExecuteAsync("""
                INSERT INTO item_tags (item_id, tag, score, reason, evidence, rules_version)
                SELECT * FROM unnest(@i::bigint[], @t::text[], @c::float8[], @r::text[], @e::text[], @v::text[])
                """, new
            {
                i = tags.Select(x => x.Item).ToArray(),
                t = tags.Select(x => x.Entry.Tags[x.Tag].Tag).ToArray(),
                c = tags.Select(x => x.Entry.Tags[x.Tag].Score).ToArray(),
                r = tags.Select(x => x.Entry.Tags[x.Tag].Reason).ToArray(),
                e = tags.Select(x => EvidenceJson.Write(x.Entry.Tags[x.Tag].Evidence)).ToArray(),
                v = tags.Select(x => x.Entry.RulesVersion).ToArray(),
            }, tx);
        await connection.ExecuteAsync("""
            INSERT INTO sightings (source_id, entry_key, item_id, content_hash, url, first_seen_at, last_changed_at)
            SELECT @s, k, i, h, u, @now, @now FROM unnest(@k::text[], @i::bigint[], @h::text[], @u::text[]) AS x(k, i, h, u)
            ON CONFLICT (source_id, entry_key) DO NOTHING
            """, new
        {
            s = items[0].SourceId,
            k = entries.Select(e => e.EntryKey).ToArray(),
            i = sightingItems,
            h = entries.Select(e => e.ContentHash).ToArray(),
            u = entries.Select(e => e.Url).ToArray(),
            now = stamp,
        }, tx);
    }

    /// <summary>What the item's first carrier left empty (a document with no date and no address;
    /// a feed entry without a date or a link), a later carrier of the same content gives it: the
    /// item had stayed "(no date)" with no link although the feed that carried it next said both.
    /// A link comes with its carrier's name and author, never one carrier's link under another's
    /// name; what the item has is kept, with one exception: an item first stored in this very
    /// write (nobody has seen it yet) is credited to its earliest-published carrier with a link,
    /// whichever feed's answer came first (the wire, not the outlet that reprinted it).</summary>
    private const string FillSql = """
        UPDATE items SET
            published_at = CASE WHEN first_seen_at = @now AND @u IS NOT NULL AND @p < published_at THEN @p ELSE coalesce(published_at, @p) END,
            outlet = CASE WHEN url IS NULL AND @u IS NOT NULL OR first_seen_at = @now AND @u IS NOT NULL AND @p < published_at THEN @o ELSE outlet END,
            author = CASE WHEN url IS NULL AND @u IS NOT NULL OR first_seen_at = @now AND @u IS NOT NULL AND @p < published_at THEN @a ELSE author END,
            url = CASE WHEN first_seen_at = @now AND @u IS NOT NULL AND @p < published_at THEN @u ELSE coalesce(url, @u) END,
            updated_at = @now
        WHERE id = @i AND (published_at IS NULL AND @p IS NOT NULL OR url IS NULL AND @u IS NOT NULL
                           OR first_seen_at = @now AND @u IS NOT NULL AND @p < published_at)
        """;

    /// <summary>The stored form of times (see UtcDateTimeHandler), so text comparison orders them.</summary>
    internal static string Time(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
