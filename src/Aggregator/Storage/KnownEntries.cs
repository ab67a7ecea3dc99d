using System.Data.Common;
using Dapper;

namespace Aggregator.Storage;

/// <summary>A poll's entries against the sightings its feed already has: what is the same entry
/// under a new key (a rotating guid, new tracking parameters, a corrected live-blog post among
/// posts that share a link), and what is the same text under a fixed headline or link. The
/// content hash alone saw a new entry, or no change, in each of these.</summary>
public static class KnownEntries
{
    /// <summary>The sightings a source has, by entry key, with their items' headline and link.</summary>
    public static async Task<Dictionary<string, KnownSighting>> OfSourceAsync(DbConnection connection, DbTransaction tx, long sourceId) =>
        (await connection.QueryAsync<KnownSighting>("""
            SELECT s.entry_key, s.content_hash, s.item_id, s.url AS sighting_url, i.title, i.url, i.content_hash AS item_hash, i.published_at AS published, s.last_changed_at AS last_changed,
                   EXISTS (SELECT 1 FROM sightings o WHERE o.item_id = s.item_id AND o.id <> s.id) AS shared
            FROM sightings s JOIN items i ON i.id = s.item_id WHERE s.source_id = @sourceId
            """, new { sourceId }, tx)).ToDictionary(s => s.EntryKey, StringComparer.Ordinal);

    /// <summary>A sighting the feed had, with its item's headline and link (properties, not a
    /// constructor: EXISTS is a boolean on PostgreSQL and an integer on SQLite).</summary>
    public sealed record KnownSighting
    {
        public string EntryKey { get; init; } = "";
        public string ContentHash { get; init; } = "";
        public long ItemId { get; init; }
        public string? SightingUrl { get; init; }
        public string Title { get; init; } = "";
        public string? Url { get; init; }
        public string ItemHash { get; init; } = "";
        public DateTime? Published { get; init; }
        public DateTime LastChanged { get; init; }
        public bool Shared { get; init; }
    }

    /// <summary>Entries a source carries apart although their content is equal (see
    /// <see cref="Processing.ContentHash.OfEntry"/>) are stored under their own hash: an entry
    /// the source carried so keeps it.</summary>
    public static IncomingItem OwnIfSo(IncomingItem item, KnownSighting known) =>
        known.ContentHash != item.ContentHash && known.ContentHash == Processing.ContentHash.OfEntry(item.ContentHash, item.EntryKey) ? Own(item, known.ContentHash) : item;

    private static IncomingItem Own(IncomingItem item, string? hash = null)
    {
        hash ??= Processing.ContentHash.OfEntry(item.ContentHash, item.EntryKey);
        return item with { ContentHash = hash, EntryId = Processing.EntryIds.WithHash(item.EntryId, hash) };
    }

    /// <summary>A new entry whose content equals that of an item its source carries already,
    /// under another key, dated more than half a day from it, and not the same entry under a new
    /// key (<see cref="RekeyedAsync"/>): a second entry with the same words, which becomes an
    /// item of its own. It had been a second sighting of the first by the same source, and a
    /// breaking-news alert whose headline repeated one from January never showed in November.
    /// One article a feed lists twice at the same time (in two sections) stays one item.</summary>
    public static void KeepApart(IncomingItem[] items, List<int> fresh, Dictionary<string, KnownSighting> known)
    {
        var carried = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
        foreach (var k in known.Values) carried.TryAdd(k.ItemHash, k.Published);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in fresh)
        {
            var item = items[index];
            if (!keys.Add(item.EntryKey)) continue; // the same entry listed twice
            if (carried.TryGetValue(item.ContentHash, out var before) && FarApart(item.PublishedAt, before)) items[index] = Own(item);
            carried.TryAdd(items[index].ContentHash, items[index].PublishedAt);
        }
    }

    /// <summary>The gone entry a new one is, by its content hash or by the hash of its own it was
    /// kept apart under (a few gone entries are tried: a feed that dropped dozens at once rotated
    /// its keys, and those match by content).</summary>
    private static (string? Hash, string? Key) GoneEntry(IncomingItem item, Dictionary<string, string> gone)
    {
        if (gone.TryGetValue(item.ContentHash, out var key)) return (item.ContentHash, key);
        if (gone.Count <= 16)
            foreach (var (hash, goneKey) in gone)
                if (hash == Processing.ContentHash.OfEntry(item.ContentHash, goneKey)) return (hash, goneKey);
        return (null, null);
    }

    internal static bool FarApart(DateTime? date, DateTime? other) =>
        date is { } a && other is { } b && Math.Abs((a - b).TotalHours) > 12;

    /// <summary>An entry whose text compares the same but whose headline or link changed: a
    /// fix of capitals or of full-width digits, a draft's address ("?preview=1") replaced by
    /// the article's. The content hash does not see those, so they were never shown. The item
    /// takes them (keeping its id) when this sighting is its only one: an item several feeds
    /// (or one feed twice) carry keeps what it has. Links are compared without tracking
    /// parameters, which some feeds change on every request.</summary>
    /// <returns>Whether the item changed.</returns>
    public static async Task<bool> RetouchedAsync(DbConnection connection, DbTransaction tx, KnownSighting known, IncomingItem item, DateTime now)
    {
        var sightingMoved = item.Url is not null && Untracked(item.Url) != Untracked(known.SightingUrl);
        var itemChanged = !known.Shared && (known.Title != item.Title || item.Url is not null && Untracked(item.Url) != Untracked(known.Url));
        if (sightingMoved || itemChanged)
            await connection.ExecuteAsync(
                "UPDATE sightings SET url = @Url WHERE source_id = @SourceId AND entry_key = @EntryKey", new { item.Url, item.SourceId, item.EntryKey }, tx);
        if (!itemChanged) return false;
        await connection.ExecuteAsync(
            "UPDATE items SET title = @Title, url = coalesce(@Url, url), updated_at = @now, search_state = 1 WHERE id = @ItemId",
            new { item.Title, item.Url, now = ItemBatch.Time(now), known.ItemId }, tx);
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
        // "https://x/8?utm_source=rss" is "https://x/8", not "https://x/8?".
        return string.Join('&', kept) is { Length: > 0 } rest ? url[..query] + "?" + rest : url[..query] + (fragment < 0 ? "" : url[fragment..]);
    }

    /// <summary>Entries that share a link or guid are keyed by it and their headline
    /// (FeedIngestor.DistinctKeys), so a live-blog post whose headline or date was corrected
    /// came under a new key and was stored beside its old version. A new key of that kind whose
    /// old sibling under the same link is gone from the feed and tells the same story is that
    /// entry, edited.</summary>
    /// <returns>The entries still fresh.</returns>
    public static async Task<List<int>> CorrectedSharingAKeyAsync(DbConnection connection, DbTransaction tx, long sourceId, IReadOnlyList<IncomingItem> items,
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
                if (!Processing.Stories.StoryMatch.Decide(Processing.Stories.StoryFingerprint.Of(text.Title, text.Body, text.Date), item.Story, sameEntry: true).Same) continue;
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
    public static async Task<List<int>> RekeyedAsync(DbConnection connection, DbTransaction tx, long sourceId, IReadOnlyList<IncomingItem> items, List<int> fresh,
        Dictionary<string, KnownSighting> known, StoreOutcome[] outcomes, DateTime now)
    {
        var listed = items.Select(i => i.EntryKey).ToHashSet(StringComparer.Ordinal);
        var gone = new Dictionary<string, string>(StringComparer.Ordinal); // content hash → a key no longer listed
        foreach (var (key, sighting) in known)
            if (!listed.Contains(key)) gone.TryAdd(sighting.ContentHash, key);
        if (gone.Count == 0) return fresh;
        // A feed that rotates its keys does so for every entry it lists; one entry under a new
        // key, dated far from the one it equals, is another entry with the same words when it
        // has a link of its own (a daily "markets closed" notice) or the feed has not listed the
        // gone one for days. (A sighting's last change is its last new key: an entry whose guid
        // rotates at every poll under the same link is never stale, however its dates drift.)
        var rotated = fresh.Count(i => gone.ContainsKey(items[i].ContentHash)) >= 2;
        var stale = now.AddDays(-2);
        var stillFresh = new List<int>(fresh.Count);
        foreach (var index in fresh)
        {
            var item = items[index];
            var (goneHash, oldKey) = GoneEntry(item, gone);
            if (oldKey is null || !rotated && FarApart(item.PublishedAt, known[oldKey].Published)
                && (known[oldKey].LastChanged < stale || item.Url is not null && known[oldKey].SightingUrl is not null && Untracked(item.Url) != Untracked(known[oldKey].SightingUrl)))
            {
                stillFresh.Add(index);
                continue;
            }
            gone.Remove(goneHash!);
            // An entry kept apart under a hash of its own (KeepApart) keeps it, made with its new key.
            var sightingHash = goneHash == item.ContentHash ? item.ContentHash : Processing.ContentHash.OfEntry(item.ContentHash, item.EntryKey);
            await connection.ExecuteAsync(
                "UPDATE sightings SET entry_key = @newKey, url = @Url, content_hash = @sightingHash, last_changed_at = @now WHERE source_id = @sourceId AND entry_key = @oldKey",
                new { newKey = item.EntryKey, item.Url, sightingHash, now = ItemBatch.Time(now), sourceId, oldKey }, tx);
            outcomes[index] = StoreOutcome.Unchanged;
        }
        return stillFresh;
    }
}
