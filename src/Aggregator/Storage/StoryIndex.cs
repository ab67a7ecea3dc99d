using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using Aggregator.Processing.Stories;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Storage;

/// <summary>Places new items in stories, a batch at a time inside the writer's transaction: the
/// index finds every stored item sharing a key with any new item (on PostgreSQL one join over the
/// story_keys table, on SQLite the in-memory StoryKeyCache), the stored sketches drop chance
/// candidates without reading their text, the rest are compared exactly (StoryMatch), and the
/// earliest copy gives its story. Then the batch is filed under its keys.</summary>
public sealed class StoryIndex : IAsyncDisposable
{
    /// <summary>Candidates compared at most per new item, newest first: a key shared by very many
    /// items (a common date and figure) must not make placing an item cost a scan.</summary>
    public const int MaxCandidates = 64;

    private readonly DbConnection connection;
    private readonly DbTransaction tx;
    private readonly StoryKeyCache? cache;
    private readonly DbCommand? findCandidates;
    private readonly DbCommand? insertKeys;
    private readonly DbCommand? readMember;
    private readonly DbCommand readText;
    private readonly DbCommand readStory;
    private readonly DbCommand? addMembers, joinAll; // PostgreSQL: the batch as arrays
    private readonly SqliteStatement? addMember, join; // SQLite: a row at a time, on SQLite's handle
    private readonly Dictionary<long, StoryFingerprint?> storedFingerprints = [];

    /// <summary>Candidates compared exactly so far (for benchmarks and metrics).</summary>
    public long Compared { get; private set; }

    private StoryIndex(DbConnection connection, DbTransaction tx, StoryKeyCache? cache, DbCommand? findCandidates, DbCommand? insertKeys, DbCommand? readMember,
        DbCommand readText, DbCommand readStory, DbCommand? addMembers, DbCommand? joinAll, SqliteStatement? addMember, SqliteStatement? join) =>
        (this.connection, this.tx, this.cache, this.findCandidates, this.insertKeys, this.readMember, this.readText, this.readStory, this.addMembers, this.joinAll, this.addMember, this.join) =
        (connection, tx, cache, findCandidates, insertKeys, readMember, readText, readStory, addMembers, joinAll, addMember, join);

    /// <summary>On PostgreSQL the batch's keys travel as one bigint[] of key × 2³¹ + item id, read
    /// with unnest: one statement to find candidates and one to index, instead of one per key.</summary>
    public static StoryIndex Open(DbConnection connection, DbTransaction tx)
    {
        var readText = Prepared.Command(connection, tx, "SELECT title, body, coalesce(published_at, first_seen_at) FROM items WHERE id = @i", "i");
        var readStory = Prepared.Command(connection, tx, "SELECT coalesce(story_id, id) FROM items WHERE id = @i", "i");
        if (connection is SqliteConnection)
            return new(connection, tx, StoryKeyCache.Of(connection), null, null,
                Prepared.Command(connection, tx, "SELECT sketch FROM story_members WHERE item_id = @i", "i"),
                readText, readStory, null, null,
                new SqliteStatement(connection, UpsertMemberWithKeys, "i", "p", "s", "k"),
                new SqliteStatement(connection, "UPDATE items SET story_id = @s WHERE id = @i", "s", "i"));
        // PostgreSQL: the batch's members and joins as arrays, one statement each (a round trip per item otherwise).
        return new(connection, tx, null,
            Prepared.Command(connection, tx, """
                SELECT p.value & 2147483647, m.item_id, m.sketch, m.published, k.key & 3
                FROM unnest(@probes) AS p(value)
                JOIN story_keys k ON k.key = p.value >> 31
                JOIN story_members m ON m.item_id = k.item_id AND m.published BETWEEN @from AND @to
                """, "probes", "from", "to"),
            Prepared.Command(connection, tx, """
                INSERT INTO story_keys (key, item_id)
                SELECT p.value >> 31, p.value & 2147483647 FROM unnest(@probes) AS p(value)
                ON CONFLICT DO NOTHING
                """, "probes"),
            null, readText, readStory,
            Prepared.Command(connection, tx, """
                INSERT INTO story_members (item_id, published, sketch)
                SELECT * FROM unnest(@i::bigint[], @p::text[], @s::bytea[])
                ON CONFLICT (item_id) DO UPDATE SET published = excluded.published, sketch = excluded.sketch
                """, "i", "p", "s"),
            Prepared.Command(connection, tx, "UPDATE items SET story_id = u.s FROM unnest(@s::bigint[], @i::bigint[]) AS u(s, i) WHERE items.id = u.i", "s", "i"),
            null, null);
    }

    private const string UpsertMember = """
        INSERT INTO story_members (item_id, published, sketch) VALUES (@i, @p, @s)
        ON CONFLICT (item_id) DO UPDATE SET published = excluded.published, sketch = excluded.sketch
        """;

    private const string UpsertMemberWithKeys = """
        INSERT INTO story_members (item_id, published, sketch, keys) VALUES (@i, @p, @s, @k)
        ON CONFLICT (item_id) DO UPDATE SET published = excluded.published, sketch = excluded.sketch, keys = excluded.keys
        """;

    /// <summary>A stored item to place; its date is its fingerprint's (published, else first seen).</summary>
    public sealed record NewItem(long Id, StoryFingerprint Story)
    {
        public DateTime Date => Story.Date ?? DateTime.UtcNow;
    }

    /// <summary>Story null: a stored item, whose story is read only when it matches.</summary>
    private sealed record Candidate(long Id, long? Story, uint[] Sketch, DateTime Date, KeyKind Strongest);

    /// <summary>Files newly inserted items: each joins the story of its earliest copy, stored or
    /// earlier in the batch, or starts its own; all are indexed under their keys. Returns the
    /// story of each (null: it starts one), in the order given.</summary>
    public async Task<long?[]> PlaceAsync(IReadOnlyList<NewItem> items)
    {
        if (items.Count == 0) return [];
        // The batch in order of publication (undated ones last, then by id): copies of one story
        // found in one cycle are headed by the one published first (the wire, the press release),
        // not by whichever fetch happened to finish first. Items with next to no text come after
        // the rest: a flash or an aggregator's headline does not head the article it announced
        // (the story's entry shows its head's text).
        var order = new int[items.Count];
        var dates = new DateTime[items.Count];
        for (var n = 0; n < items.Count; n++) (order[n], dates[n]) = (n, items[n].Story.Date ?? DateTime.MaxValue);
        Array.Sort(order, (a, b) => items[a].Story.BodyTooShort != items[b].Story.BodyTooShort ? items[a].Story.BodyTooShort.CompareTo(items[b].Story.BodyTooShort)
            : dates[a] != dates[b] ? dates[a].CompareTo(dates[b]) : items[a].Id.CompareTo(items[b].Id));
        var inOrder = new NewItem[items.Count];
        for (var n = 0; n < items.Count; n++) inOrder[n] = items[order[n]];
        var placed = await PlaceInOrderAsync(inOrder);
        var stories = new long?[items.Count];
        for (var n = 0; n < items.Count; n++) stories[order[n]] = placed[n];
        return stories;
    }

    private async Task<long?[]> PlaceInOrderAsync(IReadOnlyList<NewItem> items)
    {
        if (items.Any(i => i.Id is <= 0 or > int.MaxValue))
            throw new ArgumentOutOfRangeException(nameof(items), "item ids must fit in 31 bits");
        if (cache is null)
        {
            // In key order: the index takes sorted inserts with far fewer page moves than random ones.
            var probes = items.SelectMany(item => item.Story.Keys.Select(key => (key << 31) | item.Id)).Order().ToArray();
            var placed = await PlaceAsync(items, await FindInTableAsync(items, probes));
            Prepared.Set(insertKeys!, probes);
            await insertKeys!.ExecuteNonQueryAsync();
            return placed;
        }
        await cache.Gate.WaitAsync();
        try
        {
            await cache.PrepareAsync(connection, tx, items.SelectMany(i => StoryKeyCache.DaysAround(i.Date, StoryMatch.MaxApart)).ToHashSet());
            var stories = await PlaceAsync(items, await FindInCacheAsync(items));
            foreach (var item in items) cache.Add((int)item.Id, item.Date, item.Story.Keys);
            await cache.StampAsync(connection, tx);
            return stories;
        }
        finally
        {
            cache.Gate.Release();
        }
    }

    /// <summary>PostgreSQL: stored items sharing a key with a new one, one join for the batch. Chance
    /// candidates (a band shared by luck) are the most rows: they are dropped here, on the sketch
    /// bytes as read, before any object is made for them.</summary>
    private async Task<Dictionary<long, Candidate>?[]> FindInTableAsync(IReadOnlyList<NewItem> items, long[] probes)
    {
        var indexOf = new Dictionary<long, int>(items.Count);
        for (var n = 0; n < items.Count; n++) indexOf[items[n].Id] = n;
        var stored = new Dictionary<long, Candidate>?[items.Count];
        var sketch = new byte[StoryKeys.SketchLength * sizeof(uint)];
        Prepared.Set(findCandidates!, probes, Time(items.Min(i => i.Date) - StoryMatch.MaxApart), Time(items.Max(i => i.Date) + StoryMatch.MaxApart));
        await using (var reader = await findCandidates!.ExecuteReaderAsync())
            while (await reader.ReadAsync())
            {
                var (n, id, kind) = (indexOf[reader.GetInt64(0)], reader.GetInt64(1), (KeyKind)reader.GetInt64(4));
                if (stored[n] is { } known && known.TryGetValue(id, out var seen))
                {
                    if (kind > seen.Strongest) known[id] = seen with { Strongest = kind };
                    continue;
                }
                var length = (int)reader.GetBytes(2, 0, sketch, 0, sketch.Length);
                var slots = MemoryMarshal.Cast<byte, uint>(sketch.AsSpan(0, length));
                // WorthComparing in two steps: the sketches first, the date only for those that agree.
                if (!StoryMatch.SketchesAgree(kind, items[n].Story.Sketch, slots)) continue;
                var date = ParseTime(reader.GetString(3));
                if ((items[n].Date - date).Duration() > StoryMatch.MaxApart) continue;
                (stored[n] ??= [])[id] = new Candidate(id, null, slots.ToArray(), date, kind);
            }
        return stored;
    }

    /// <summary>SQLite: the same candidates from the cache. The strongest key kind an item shares
    /// with a stored one decides the sketch test, which only a stored item close enough in date
    /// gets; its sketch is read by its key, once per batch.</summary>
    private async Task<Dictionary<long, Candidate>?[]> FindInCacheAsync(IReadOnlyList<NewItem> items)
    {
        var stored = new Dictionary<long, Candidate>?[items.Count];
        var sketches = new Dictionary<long, uint[]>();
        var filed = new List<(int Item, DateTime Date)>();
        var shared = new Dictionary<int, (KeyKind Strongest, DateTime Date)>();
        for (var n = 0; n < items.Count; n++)
        {
            shared.Clear();
            var keys = items[n].Story.Keys;
            for (var k = 0; k < keys.Count; k++)
            {
                var key = keys[k];
                filed.Clear();
                cache!.Find(key, filed);
                var kind = StoryKeys.KindOf(key);
                foreach (var (id, date) in filed)
                    if ((items[n].Date - date).Duration() <= StoryMatch.MaxApart)
                        shared[id] = shared.TryGetValue(id, out var seen) && seen.Strongest >= kind ? seen : (kind, date);
            }
            foreach (var (id, (kind, date)) in shared)
            {
                if (!sketches.TryGetValue(id, out var sketch))
                {
                    Prepared.Set(readMember!, (long)id);
                    sketches[id] = sketch = await readMember!.ExecuteScalarAsync() is byte[] bytes ? MemoryMarshal.Cast<byte, uint>(bytes).ToArray() : [];
                }
                if (StoryMatch.SketchesAgree(kind, items[n].Story.Sketch, sketch))
                    (stored[n] ??= [])[id] = new Candidate(id, null, sketch, date, kind);
            }
        }
        return stored;
    }

    private async Task<long?[]> PlaceAsync(IReadOnlyList<NewItem> items, Dictionary<long, Candidate>?[] stored)
    {
        var stories = new long?[items.Count];
        var indexOf = new Dictionary<long, int>(items.Count);
        for (var n = 0; n < items.Count; n++) indexOf[items[n].Id] = n;
        // The batch's own items by key, as chains through one list (newest first): a list per key
        // was a hundred megabytes of a cold cycle's allocation for keys that nearly all stay unshared.
        var keyCount = items.Sum(i => i.Story.Keys.Count);
        var newestByKey = new Dictionary<long, int>(keyCount);
        var filedEarlier = new List<(int Item, int Next)>(keyCount);
        // Loops over reused lists, not LINQ: this runs for every new item on the one writer thread,
        // and its sorts, sets and iterators were most of what placing a cold cycle allocated.
        var earlier = new HashSet<int>();
        var newestFirst = new List<int>();
        var candidates = new List<Candidate>();
        for (var n = 0; n < items.Count; n++)
        {
            var item = items[n];
            var keys = item.Story.Keys;
            candidates.Clear();
            if (stored[n] is { } found)
            {
                candidates.AddRange(found.Values);
                if (candidates.Count > MaxCandidates) // the latest stored ones
                {
                    candidates.Sort((a, b) => b.Id.CompareTo(a.Id));
                    candidates.RemoveRange(MaxCandidates, candidates.Count - MaxCandidates);
                }
            }
            earlier.Clear();
            for (var k = 0; k < keys.Count; k++)
                if (newestByKey.TryGetValue(keys[k], out var link))
                    for (var taken = 0; link >= 0 && taken < MaxCandidates; link = filedEarlier[link].Next, taken++)
                        earlier.Add(filedEarlier[link].Item);
            newestFirst.Clear();
            newestFirst.AddRange(earlier);
            newestFirst.Sort((a, b) => b.CompareTo(a));
            for (var t = 0; t < newestFirst.Count && t < MaxCandidates; t++)
            {
                var e = newestFirst[t];
                var kind = StrongestShared(keys, items[e].Story.Keys);
                if (StoryMatch.WorthComparing(kind, item.Story.Sketch, item.Date, items[e].Story.Sketch, items[e].Date))
                    candidates.Add(new Candidate(items[e].Id, stories[e] ?? items[e].Id, items[e].Story.Sketch, items[e].Date, kind));
            }
            if (candidates.Count > 1) candidates.Sort((a, b) => a.Id.CompareTo(b.Id));
            foreach (var candidate in candidates) // the earliest copy gives the story
            {
                var other = indexOf.TryGetValue(candidate.Id, out var inBatch)
                    ? items[inBatch].Story
                    : await StoredFingerprintAsync(candidate.Id);
                if (other is null) continue;
                Compared++;
                if (!StoryMatch.Decide(item.Story, other).Same) continue;
                stories[n] = candidate.Story ?? await StoryOfAsync(candidate.Id);
                break;
            }
            for (var k = 0; k < keys.Count; k++)
            {
                filedEarlier.Add((n, newestByKey.TryGetValue(keys[k], out var newest) ? newest : -1));
                newestByKey[keys[k]] = filedEarlier.Count - 1;
            }
        }

        if (cache is null)
        {
            Prepared.Set(addMembers!, items.Select(i => i.Id).ToArray(), items.Select(i => Time(i.Date)).ToArray(), items.Select(i => i.Story.SketchBytes()).ToArray());
            await addMembers!.ExecuteNonQueryAsync();
            var joined = Enumerable.Range(0, items.Count).Where(n => stories[n] is not null).ToList();
            if (joined.Count > 0)
            {
                Prepared.Set(joinAll!, joined.Select(n => stories[n]!.Value).ToArray(), joined.Select(n => items[n].Id).ToArray());
                await joinAll!.ExecuteNonQueryAsync();
            }
        }
        else
        {
            Span<byte> keyBytes = stackalloc byte[4 * StoryKeys.MaxKeys];
            for (var n = 0; n < items.Count; n++)
            {
                addMember!.Bind(0, items[n].Id);
                addMember.Bind(1, Time(items[n].Date));
                addMember.Bind(2, MemoryMarshal.AsBytes(items[n].Story.Sketch.AsSpan())); // as SketchBytes() has it
                addMember.Bind(3, StoryKeyCache.WriteKeys(items[n].Story.Keys, keyBytes));
                addMember.Run();
            }
            for (var n = 0; n < items.Count; n++)
                if (stories[n] is { } story)
                {
                    join!.Bind(0, story);
                    join.Bind(1, items[n].Id);
                    join.Run();
                }
        }
        return stories;
    }

    /// <summary>The strongest kind of key two items share (they share at least one).</summary>
    private static KeyKind StrongestShared(IReadOnlyList<long> keys, IReadOnlyList<long> others)
    {
        var strongest = KeyKind.Band;
        for (var i = 0; i < keys.Count; i++)
            for (var j = 0; j < others.Count; j++)
                if (keys[i] == others[j] && StoryKeys.KindOf(keys[i]) > strongest)
                    strongest = StoryKeys.KindOf(keys[i]);
        return strongest;
    }

    private async Task<long> StoryOfAsync(long id)
    {
        Prepared.Set(readStory, id);
        return (long)(await readStory.ExecuteScalarAsync())!;
    }

    private async Task<StoryFingerprint?> StoredFingerprintAsync(long id)
    {
        if (storedFingerprints.TryGetValue(id, out var known)) return known;
        Prepared.Set(readText, id);
        await using var reader = await readText.ExecuteReaderAsync();
        var fingerprint = await reader.ReadAsync()
            ? StoryFingerprint.Of(reader.GetString(0), reader.GetString(1), ParseTime(reader.GetString(2)))
            : null;
        storedFingerprints[id] = fingerprint;
        return fingerprint;
    }

    /// <summary>Indexes an item under its keys, its story unchanged (an item edited in place).</summary>
    public static async Task AddKeysAsync(DbConnection connection, DbTransaction tx, long itemId, StoryFingerprint story)
    {
        var member = new { i = itemId, p = Time(story.Date ?? DateTime.UtcNow), s = story.SketchBytes(), k = StoryKeyCache.WriteKeys(story.Keys) };
        if (connection is SqliteConnection)
        {
            await connection.ExecuteAsync(UpsertMemberWithKeys, member, tx);
            await StoryKeyCache.ChangedAsync(connection, tx, itemId, story.Date ?? DateTime.UtcNow, story.Keys);
            return;
        }
        await connection.ExecuteAsync("INSERT INTO story_keys (key, item_id) VALUES (@key, @itemId) ON CONFLICT DO NOTHING",
            story.Keys.Select(key => new { key, itemId }), tx);
        await connection.ExecuteAsync(UpsertMember, new { member.i, member.p, member.s }, tx);
    }

    /// <summary>Empties the index and every story, before all items are placed again.</summary>
    public static async Task ClearAsync(DbConnection connection, DbTransaction tx)
    {
        var sqlite = connection is SqliteConnection;
        await connection.ExecuteAsync((sqlite ? "" : "DELETE FROM story_keys; ")
            + "DELETE FROM story_members; UPDATE items SET story_id = NULL WHERE story_id IS NOT NULL;", transaction: tx);
        if (sqlite) await StoryKeyCache.NewTokenAsync(connection, tx);
    }

    /// <summary>Takes an item out of the index and out of its story before its row is deleted or
    /// its text replaced: its keys go (on PostgreSQL recomputed from the text they were made from), and when it
    /// started a story with other members, the earliest of them starts it instead.</summary>
    public static async Task RemoveAsync(DbConnection connection, DbTransaction tx, long itemId, bool keepStory)
    {
        await RemoveFromIndexAsync(connection, tx, [itemId]);
        if (keepStory) return;
        var heir = await connection.ExecuteScalarAsync<long?>(
            "SELECT min(id) FROM items WHERE story_id = @itemId", new { itemId }, tx);
        if (heir is { } h)
        {
            await connection.ExecuteAsync("""
                UPDATE items SET story_id = CASE WHEN id = @h THEN NULL ELSE @h END WHERE story_id = @itemId
                """, new { h, itemId }, tx);
            // The story was alerted by its old head: its heir carries that, or the story was
            // alerted again as new when every outlet had corrected its copy.
            await connection.ExecuteAsync("""
                INSERT INTO mail_alerted (recipient, item_id, outbox_id)
                SELECT recipient, @h, outbox_id FROM mail_alerted WHERE item_id = @itemId
                ON CONFLICT DO NOTHING
                """, new { h, itemId }, tx);
        }
    }

    /// <summary>Takes items out of the index (their keys and member rows) before their rows are
    /// deleted or their text replaced, one statement per table for the lot; their stories are left
    /// as they are. Whole stories (every copy among <paramref name="ids"/>) need nothing more.</summary>
    public static async Task RemoveFromIndexAsync(DbConnection connection, DbTransaction tx, long[] ids)
    {
        if (connection is SqliteConnection)
            await StoryKeyCache.ChangedAsync(connection, tx, 0, default, null); // their keys go with their member rows
        else
        {
            var keys = new List<(long Key, long Item)>();
            foreach (var (id, title, body, date) in await connection.QueryAsync<(long, string, string, string)>(
                "SELECT id, title, body, coalesce(published_at, first_seen_at) FROM items WHERE id = ANY(@ids)", new { ids }, tx))
                keys.AddRange(StoryFingerprint.Of(title, body, ParseTime(date)).Keys.Select(key => (key, id)));
            await connection.ExecuteAsync("""
                DELETE FROM story_keys k USING unnest(@keys, @items) AS d(key, item_id)
                WHERE k.key = d.key AND k.item_id = d.item_id
                """, new { keys = keys.Select(k => k.Key).ToArray(), items = keys.Select(k => k.Item).ToArray() }, tx);
        }
        await connection.ExecuteAsync($"DELETE FROM story_members WHERE {Dialect.InList(connection, "item_id", "ids")}", new { ids }, tx);
    }

    /// <summary>The stored form of times (see UtcDateTimeHandler), so text comparison orders them.</summary>
    private static string Time(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTime ParseTime(string stored) =>
        DateTime.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public async ValueTask DisposeAsync()
    {
        if (findCandidates is not null) await findCandidates.DisposeAsync();
        if (insertKeys is not null) await insertKeys.DisposeAsync();
        if (readMember is not null) await readMember.DisposeAsync();
        await readText.DisposeAsync();
        await readStory.DisposeAsync();
        if (addMembers is not null) await addMembers.DisposeAsync();
        if (joinAll is not null) await joinAll.DisposeAsync();
        addMember?.Dispose();
        join?.Dispose();
    }
}
