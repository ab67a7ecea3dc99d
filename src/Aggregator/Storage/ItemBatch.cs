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
        var sightings = (await connection.QueryAsync<KnownSighting>("""
            SELECT s.entry_key, s.content_hash, s.item_id, s.url AS sighting_url, i.title, i.url,
                   EXISTS (SELECT 1 FROM sightings o WHERE o.item_id = s.item_id AND o.id <> s.id) AS shared
            FROM sightings s JOIN items i ON i.id = s.item_id WHERE s.source_id = @sourceId
            """, new { sourceId }, tx)).ToDictionary(s => s.EntryKey, StringComparer.Ordinal);
        var known = sightings.ToDictionary(s => s.Key, s => s.Value.ContentHash, StringComparer.Ordinal);
        var fresh = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!known.TryGetValue(items[i].EntryKey, out var hash)) fresh.Add(i);
            else if (hash == items[i].ContentHash)
                outcomes[i] = await RetouchedAsync(connection, tx, sightings[items[i].EntryKey], items[i], now) ? StoreOutcome.Updated : StoreOutcome.Unchanged;
            else
            {
                await ItemStore.UpdateInAsync(connection, tx, items[i], now);
                outcomes[i] = StoreOutcome.Updated;
            }
        }
        if (fresh.Count > 0 && known.Count > 0)
            fresh = await RekeyedAsync(connection, tx, sourceId, items, fresh, known, outcomes);
        if (fresh.Count > 0 && known.Count > 0)
            fresh = await CorrectedSharingAKeyAsync(connection, tx, sourceId, items, fresh, sightings, outcomes, now);
        if (fresh.Count == 0) return outcomes;

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

    /// <summary>A sighting the feed had, with its item's headline and link (properties, not a
    /// constructor: EXISTS is a boolean on PostgreSQL and an integer on SQLite).</summary>
    private sealed record KnownSighting
    {
        public string EntryKey { get; init; } = "";
        public string ContentHash { get; init; } = "";
        public long ItemId { get; init; }
        public string? SightingUrl { get; init; }
        public string Title { get; init; } = "";
        public string? Url { get; init; }
        public bool Shared { get; init; }
    }

    /// <summary>An entry whose text compares the same but whose headline or link changed: a
    /// fix of capitals or of full-width digits, a draft's address ("?preview=1") replaced by
    /// the article's. The content hash does not see those, so they were never shown. The item
    /// takes them (keeping its id) when this sighting is its only one: an item several feeds
    /// (or one feed twice) carry keeps what it has. Links are compared without tracking
    /// parameters, which some feeds change on every request.</summary>
    /// <returns>Whether the item changed.</returns>
    private static async Task<bool> RetouchedAsync(DbConnection connection, DbTransaction tx, KnownSighting known, IncomingItem item, DateTime now)
    {
        var linkMoved = item.Url is not null && Untracked(item.Url) != Untracked(known.Shared ? known.SightingUrl : known.Url);
        if (known.Shared || known.Title == item.Title && !linkMoved)
        {
            if (known.Shared && item.Url is not null && Untracked(item.Url) != Untracked(known.SightingUrl))
                await connection.ExecuteAsync(
                    "UPDATE sightings SET url = @Url WHERE source_id = @SourceId AND entry_key = @EntryKey", new { item.Url, item.SourceId, item.EntryKey }, tx);
            return false;
        }
        await connection.ExecuteAsync(
            "UPDATE sightings SET url = @Url WHERE source_id = @SourceId AND entry_key = @EntryKey", new { item.Url, item.SourceId, item.EntryKey }, tx);
        await connection.ExecuteAsync(
            "UPDATE items SET title = @Title, url = coalesce(@Url, url), updated_at = @now WHERE id = @ItemId",
            new { item.Title, item.Url, now = Time(now), known.ItemId }, tx);
        return true;
    }

    /// <summary>A link without the parameters that only track who clicked (utm_*, fbclid, gclid…).</summary>
    private static string? Untracked(string? url)
    {
        if (url is null || !url.Contains('?')) return url;
        var query = url.IndexOf('?');
        var fragment = url.IndexOf('#', query);
        var kept = url[(query + 1)..(fragment < 0 ? url.Length : fragment)].Split('&')
            .Where(p => !(p.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) || p.Split('=')[0].ToLowerInvariant() is "fbclid" or "gclid" or "mc_cid" or "mc_eid" or "ref" or "ocid" or "cmpid"));
        return url[..query] + "?" + string.Join('&', kept);
    }

    /// <summary>Entries that share a link or guid are keyed by it and their headline
    /// (FeedIngestor.DistinctKeys), so a live-blog post whose headline or date was corrected
    /// came under a new key and was stored beside its old version. A new key of that kind whose
    /// old sibling under the same link is gone from the feed and tells the same story is that
    /// entry, edited.</summary>
    /// <returns>The entries still fresh.</returns>
    private static async Task<List<int>> CorrectedSharingAKeyAsync(DbConnection connection, DbTransaction tx, long sourceId, IReadOnlyList<IncomingItem> items,
        List<int> fresh, Dictionary<string, KnownSighting> known, StoreOutcome[] outcomes, DateTime now)
    {
        if (!fresh.Exists(i => SharedKeyBase(items[i].EntryKey) is not null)) return fresh;
        var listed = items.Select(i => i.EntryKey).ToHashSet(StringComparer.Ordinal);
        var gone = known.Values.Where(k => !listed.Contains(k.EntryKey) && SharedKeyBase(k.EntryKey) is not null).ToList();
        if (gone.Count == 0) return fresh;
        var stillFresh = new List<int>(fresh.Count);
        foreach (var index in fresh)
        {
            var item = items[index];
            var key = SharedKeyBase(item.EntryKey);
            KnownSighting? edited = null;
            foreach (var old in gone)
            {
                if (SharedKeyBase(old.EntryKey) != key) continue;
                var text = await connection.QuerySingleAsync<(string Title, string Body, DateTime? Date)>(
                    "SELECT title, body, coalesce(published_at, first_seen_at) FROM items WHERE id = @ItemId", old, tx);
                if (!Processing.Stories.StoryMatch.Decide(Processing.Stories.StoryFingerprint.Of(text.Title, text.Body, text.Date), item.Story).Same) continue;
                edited = old;
                break;
            }
            if (key is null || edited is null) { stillFresh.Add(index); continue; }
            gone.Remove(edited);
            await connection.ExecuteAsync("UPDATE sightings SET entry_key = @newKey WHERE source_id = @sourceId AND entry_key = @oldKey",
                new { newKey = item.EntryKey, sourceId, oldKey = edited.EntryKey }, tx);
            if (edited.ContentHash == item.ContentHash) outcomes[index] = StoreOutcome.Unchanged;
            else
            {
                await ItemStore.UpdateInAsync(connection, tx, item, now);
                outcomes[index] = StoreOutcome.Updated;
            }
        }
        return stillFresh;
    }

    /// <summary>The link or guid of a key made distinct by a headline hash ("link#" and 32 hex
    /// digits), else null.</summary>
    private static string? SharedKeyBase(string key)
    {
        var hash = key.LastIndexOf('#');
        return hash > 0 && key.Length - hash - 1 == 32 && key.AsSpan(hash + 1).IndexOfAnyExcept(HexDigits) < 0 ? key[..hash] : null;
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>An entry under a key the feed never used, with the content of an entry it no
    /// longer lists: the same entry, under a guid the feed rotates on every request or a link
    /// with new tracking parameters. Its sighting takes the new key instead of a second sighting
    /// being added poll after poll (a feed's item count grew by one per poll, and `items`
    /// listed the feed once per key).</summary>
    /// <returns>The entries still fresh.</returns>
    private static async Task<List<int>> RekeyedAsync(DbConnection connection, DbTransaction tx, long sourceId, IReadOnlyList<IncomingItem> items, List<int> fresh,
        Dictionary<string, string> known, StoreOutcome[] outcomes)
    {
        var listed = items.Select(i => i.EntryKey).ToHashSet(StringComparer.Ordinal);
        var gone = new Dictionary<string, string>(StringComparer.Ordinal); // content hash → a key no longer listed
        foreach (var (key, hash) in known)
            if (!listed.Contains(key)) gone.TryAdd(hash, key);
        if (gone.Count == 0) return fresh;
        var stillFresh = new List<int>(fresh.Count);
        foreach (var index in fresh)
        {
            var item = items[index];
            if (!gone.Remove(item.ContentHash, out var oldKey)) { stillFresh.Add(index); continue; }
            await connection.ExecuteAsync(
                "UPDATE sightings SET entry_key = @newKey, url = @Url WHERE source_id = @sourceId AND entry_key = @oldKey",
                new { newKey = item.EntryKey, item.Url, sourceId, oldKey }, tx);
            outcomes[index] = StoreOutcome.Unchanged;
        }
        return stillFresh;
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
            else outcomes[rows[n]] = StoreOutcome.Sighted;
        }
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

    /// <summary>The stored form of times (see UtcDateTimeHandler), so text comparison orders them.</summary>
    private static string Time(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
