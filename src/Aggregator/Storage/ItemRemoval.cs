using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Storage;

/// <summary>Takes items out of the database for good, with everything that hangs on them (their
/// sightings, tags, story membership and keys, search grams, alert marks): by the retention
/// setting, whole stories at a time (PruneAsync), or by hand (RemoveAsync). Each removed item's
/// content hash stays in removed_items, and ItemBatch stores nothing with such a hash: a feed
/// keeps an entry for weeks after an item's removal, and a document stays in its folder, and
/// neither may bring it back as new.</summary>
public sealed class ItemRemoval(Database database, TimeProvider clock)
{
    public const string ByRetention = "retention";

    /// <summary>Stories removed per transaction, so that polls get the writer between batches.</summary>
    private const int StoriesPerBatch = 200;

    /// <summary>Stories whose every item was first seen and last changed (updated_at: an edit, a
    /// later carrier's date or link) before the cutoff, oldest first, after a (first seen, id)
    /// already passed; with <c>keepTagged</c>, none of whose items carries a tag. Items of one
    /// story go together: an old story still getting copies or edits stays whole (a live page
    /// edited daily is not removed and then stored as new at its next edit), and the "also
    /// reported by" of a kept story never loses an outlet.</summary>
    private const string Prunable = """
        SELECT h.id, h.first_seen_at FROM items h
        WHERE h.story_id IS NULL AND h.first_seen_at < @cutoff AND h.updated_at < @cutoff AND (h.first_seen_at, h.id) > (@afterSeen, @afterId)
          AND NOT EXISTS (SELECT 1 FROM items m WHERE m.story_id = h.id AND m.updated_at >= @cutoff)
          AND NOT (@keepTagged AND (EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = h.id)
                                    OR EXISTS (SELECT 1 FROM items m JOIN item_tags t ON t.item_id = m.id WHERE m.story_id = h.id)))
        ORDER BY h.first_seen_at, h.id
        """;

    /// <summary>Removes the stories the retention setting lets go; returns how many items went.</summary>
    public async Task<int> PruneAsync(DateTime cutoff, bool keepTagged, CancellationToken ct)
    {
        var (removed, afterSeen, afterId) = (0, "", 0L);
        while (true)
        {
            await using var write = await database.BeginWriteAsync(ct);
            var heads = (await write.Connection.QueryAsync<(long Id, string Seen)>(new CommandDefinition(Prunable + " LIMIT @limit",
                new { cutoff = ItemBatch.Time(cutoff), afterSeen, afterId, keepTagged, limit = StoriesPerBatch }, write.Transaction, cancellationToken: ct))).ToList();
            if (heads.Count == 0) return removed;
            (afterSeen, afterId) = (heads[^1].Seen, heads[^1].Id);
            var items = await MembersAsync(write.Connection, write.Transaction, [.. heads.Select(h => h.Id)], ct);
            _ = await RemoveInAsync(write.Connection, write.Transaction, items, ByRetention, clock.GetUtcNow().UtcDateTime, wholeStories: true);
            await write.CommitAsync(ct);
            removed += items.Count;
        }
    }

    /// <summary>What PruneAsync would remove now: stories and their items.</summary>
    public async Task<(int Stories, int Items)> CountPrunableAsync(DateTime cutoff, bool keepTagged, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleAsync<(int, int)>(new CommandDefinition($"""
            SELECT count(DISTINCT coalesce(i.story_id, i.id)), count(*) FROM items i
            WHERE coalesce(i.story_id, i.id) IN (SELECT p.id FROM ({Prunable}) p)
            """, new { cutoff = ItemBatch.Time(cutoff), afterSeen = "", afterId = 0L, keepTagged }, cancellationToken: ct));
    }

    /// <summary>An item asked for by reference, and what became of it: removed (with the queued
    /// alerts that carried it, withdrawn), removed before (<paramref name="Earlier"/>: when and
    /// why; nothing to do), or not (<paramref name="Error"/>).</summary>
    public sealed record Removal(string Reference, IReadOnlyList<RemovedItem> Removed, string? Error, string? Earlier = null, int Withdrawn = 0);

    public sealed record RemovedItem(string EntryId, string Title);

    private sealed record RemovedRow
    {
        public string RemovedAt { get; init; } = "";
        public string Reason { get; init; } = "";
    }

    /// <summary>Removes the items named by entry id (the id feed readers show) or by link (the
    /// item's own, or a copy's as "also reported by" lists it), in one transaction. An entry id
    /// names its item whatever links say; a link several stories share names none of them, and
    /// the error lists their ids. With <paramref name="wholeStory"/> every copy of the item's story
    /// goes too; otherwise the copy stored earliest heads what is left of it.</summary>
    public async Task<IReadOnlyList<Removal>> RemoveAsync(IReadOnlyList<string> references, string reason, bool wholeStory, CancellationToken ct)
    {
        var results = new List<Removal>();
        await using var write = await database.BeginWriteAsync(ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var reference in references.Distinct(StringComparer.Ordinal))
        {
            var matches = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM items WHERE entry_id = @reference", new { reference }, tx, cancellationToken: ct))).ToList();
            if (matches.Count == 0)
                matches = [.. await connection.QueryAsync<long>(new CommandDefinition(
                    "SELECT id FROM items WHERE url = @reference UNION SELECT item_id FROM sightings WHERE url = @reference", new { reference }, tx, cancellationToken: ct))];
            if (matches.Count == 0)
            {
                var gone = await connection.QueryFirstOrDefaultAsync<RemovedRow>(new CommandDefinition(
                    $"""
                    SELECT removed_at, reason FROM removed_items
                    WHERE entry_id = @reference OR url = @reference OR {(connection is SqliteConnection ? "instr" : "strpos")}(@lf || urls || @lf, @lf || @reference || @lf) > 0
                    ORDER BY removed_at DESC
                    """, new { reference, lf = "\n" }, tx, cancellationToken: ct));
                results.Add(gone is not null
                    ? new Removal(reference, [], null, $"removed already, on {gone.RemovedAt[..10]} ({gone.Reason})")
                    : new Removal(reference, [], "no stored item has this entry id or link (`aggregator items --json` shows both)"));
                continue;
            }
            var stories = (await connection.QueryAsync<long>(new CommandDefinition(
                $"SELECT DISTINCT coalesce(story_id, id) FROM items WHERE {Dialect.InList(connection, "id", "matches")}", new { matches }, tx, cancellationToken: ct))).ToArray();
            if (matches.Count > 1 && (!wholeStory || stories.Length > 1))
            {
                var ids = await connection.QueryAsync<string>(new CommandDefinition(
                    $"SELECT entry_id FROM items WHERE {Dialect.InList(connection, "id", "matches")} ORDER BY id", new { matches }, tx, cancellationToken: ct));
                results.Add(new Removal(reference, [], $"{matches.Count} items{(stories.Length > 1 ? $" of {stories.Length} stories" : "")} have this link; remove one by its entry id: {string.Join(", ", ids)}"));
                continue;
            }
            var items = wholeStory ? await MembersAsync(connection, tx, stories, ct) : matches;
            var removed = (await connection.QueryAsync<(string EntryId, string Title)>(new CommandDefinition(
                $"SELECT entry_id, title FROM items WHERE {Dialect.InList(connection, "id", "items")} ORDER BY id", new { items }, tx, cancellationToken: ct)))
                .Select(r => new RemovedItem(r.EntryId, r.Title)).ToList();
            var withdrawn = await RemoveInAsync(connection, tx, items, reason, now, wholeStories: wholeStory);
            results.Add(new Removal(reference, removed, null, Withdrawn: withdrawn));
        }
        await write.CommitAsync(ct);
        return results;
    }

    /// <summary>What a removed item left behind. A removal by hand blocks its content whoever
    /// carries it, whenever: a retraction or spam stays out. The retention setting only let old
    /// news go: what it removed is kept out while sources still carry that entry (by its key, or
    /// dated within a day of it: a copy of the same story), but the same words in a new entry
    /// dated apart (a notice repeated months later) are news, stored as any.</summary>
    /// <param name="Published">The dates of the items removed with these words, one per line (or
    /// none: undated, or removed before they were kept).</param>
    internal sealed record Tombstone(string Reason, string? Published, string? EntryKeys)
    {
        public bool Blocks(IncomingItem item) =>
            Reason != ByRetention
            || item.PublishedAt is null || Published is null
            || Published.Split('\n').Any(p => !KnownEntries.FarApart(item.PublishedAt, DateTime.Parse(p, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)))
            || (EntryKeys ?? "").Split('\n').Contains(Key(item.SourceId, item.EntryKey), StringComparer.Ordinal);

        public static string Key(long sourceId, string entryKey) => sourceId.ToString(CultureInfo.InvariantCulture) + "\t" + entryKey;
    }

    /// <summary>The entries of a poll that a removal keeps out (Tombstone), by reference: two
    /// entries with the same words may fare differently (the old one still carried, and its
    /// repeat). Each entry is looked up under its content's hash and under the hash of its own
    /// it would have been kept apart under (KnownEntries.KeepApart): a repeat removed under that
    /// hash arrives with the plain one once its twin is gone too, and KeepApart no longer sets it
    /// apart. Null when no item was ever removed (the usual case, known from one look at an
    /// empty table).</summary>
    internal static async Task<HashSet<IncomingItem>?> RemovedAmongAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<IncomingItem> items)
    {
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM removed_items)", transaction: tx)) return null;
        var own = items.Select(i => Processing.ContentHash.OfEntry(i.ContentHash, i.EntryKey)).ToArray();
        var hashes = items.Select(i => i.ContentHash).Concat(own).Distinct().ToArray();
        const string Columns = "content_hash, reason, published, entry_keys";
        var found = (connection is SqliteConnection
                ? await connection.QueryAsync<(string Hash, string Reason, string? Published, string? EntryKeys)>(
                    $"SELECT {Columns} FROM removed_items WHERE content_hash IN (SELECT value FROM json_each(@hashes))", new { hashes = JsonSerializer.Serialize(hashes) }, tx)
                : await connection.QueryAsync<(string Hash, string Reason, string? Published, string? EntryKeys)>(
                    $"SELECT {Columns} FROM removed_items WHERE content_hash = ANY(@hashes)", new { hashes }, tx))
            .ToDictionary(r => r.Hash, r => new Tombstone(r.Reason, r.Published, r.EntryKeys), StringComparer.Ordinal);
        var blocked = new HashSet<IncomingItem>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < items.Count; i++)
            if (found.TryGetValue(items[i].ContentHash, out var tombstone) && tombstone.Blocks(items[i])
                || found.TryGetValue(own[i], out var apart) && apart.Blocks(items[i]))
                blocked.Add(items[i]);
        return blocked;
    }

    private static async Task<List<long>> MembersAsync(DbConnection connection, DbTransaction tx, long[] heads, CancellationToken ct) =>
        [.. await connection.QueryAsync<long>(new CommandDefinition(
            $"SELECT id FROM items WHERE {Dialect.InList(connection, "id", "heads")} OR {Dialect.InList(connection, "story_id", "heads")} ORDER BY id", new { heads }, tx, cancellationToken: ct))];

    /// <param name="wholeStories">Every item of each story is among <paramref name="ids"/>: no
    /// story needs a new head. Otherwise a removed head's earliest stored remaining copy heads its story.</param>
    /// <returns>How many queued alerts and digests carrying a removed item were withdrawn.</returns>
    private static async Task<int> RemoveInAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<long> ids, string reason, DateTime now, bool wholeStories)
    {
        var list = ids.ToArray();
        // Out of the story index first: on PostgreSQL its keys are recomputed from the item's text.
        if (wholeStories)
            await StoryIndex.RemoveFromIndexAsync(connection, tx, list);
        else
            foreach (var id in list)
                await StoryIndex.RemoveAsync(connection, tx, id, keepStory: false);
        var parameters = new { ids = list, removedAt = ItemBatch.Time(now), reason, tab = "\t", lf = "\n" };
        var withdrawn = await WithdrawAlertsAsync(connection, tx, list) + await WithdrawDigestsAsync(connection, tx, list);
        // Content stored again after its tombstone (a repeat retention let in) and removed again:
        // the tombstone takes the new reason, and keeps the dates and entries of both.
        var lines = connection is SqliteConnection ? "group_concat" : "string_agg";
        static string Both(string column) => $"{column} = coalesce(removed_items.{column} || @lf || excluded.{column}, excluded.{column}, removed_items.{column})";
        await connection.ExecuteAsync($"""
            INSERT INTO removed_items (content_hash, entry_id, url, removed_at, reason, published, entry_keys, urls)
            SELECT i.content_hash, i.entry_id, i.url, @removedAt, @reason, i.published_at,
                   (SELECT {lines}(s.source_id || @tab || s.entry_key, @lf) FROM sightings s WHERE s.item_id = i.id),
                   (SELECT {lines}(s.url, @lf) FROM sightings s WHERE s.item_id = i.id AND s.url <> coalesce(i.url, ''))
            FROM items i WHERE {Dialect.InList(connection, "i.id", "ids")}
            ON CONFLICT (content_hash) DO UPDATE SET entry_id = excluded.entry_id, url = excluded.url, removed_at = excluded.removed_at, reason = excluded.reason,
                {Both("published")}, {Both("entry_keys")}, {Both("urls")}
            """, parameters, tx);
        await connection.ExecuteAsync($"DELETE FROM sightings WHERE {Dialect.InList(connection, "item_id", "ids")}", parameters, tx);
        await connection.ExecuteAsync($"DELETE FROM mail_alerted WHERE {Dialect.InList(connection, "item_id", "ids")}", parameters, tx);
        await connection.ExecuteAsync($"DELETE FROM mail_digested WHERE {Dialect.InList(connection, "item_id", "ids")}", parameters, tx);
        // Tags go with the item (a cascading key), and on PostgreSQL its search row too; SQLite's
        // search index is a virtual table, emptied by hand.
        if (connection is SqliteConnection)
            await connection.ExecuteAsync("DELETE FROM item_search WHERE rowid IN @ids", parameters, tx);
        await connection.ExecuteAsync($"DELETE FROM items WHERE {Dialect.InList(connection, "id", "ids")}", parameters, tx);
        return withdrawn;
    }

    /// <summary>An alert is composed when it is queued, and one still queued (waiting for the
    /// server, or its window), or failed (`mail retry`), would send a retracted story hours after
    /// its removal. It is marked withdrawn, saying why (`mail retry` refuses it), and the other
    /// stories it carried are marked not alerted, so the next tick alerts them again without it
    /// (those still new to alerts: AlertMaxAgeHours). The withdrawn message gives up
    /// its Message-ID: when only a copy was removed, the story's next alert has the same heads, so
    /// the same id, and the outbox would drop it as already queued. A message already being sent
    /// cannot be stopped.</summary>
    private static async Task<int> WithdrawAlertsAsync(DbConnection connection, DbTransaction tx, long[] ids)
    {
        var carrying = (await connection.QueryAsync<long>($"""
            SELECT DISTINCT a.outbox_id FROM mail_alerted a WHERE {Dialect.InList(connection, "a.item_id", "ids")}
            """, new { ids }, tx)).ToArray();
        if (carrying.Length == 0) return 0;
        // Queued, or failed (`mail retry` would send it once the server is fixed); not one a
        // sender claimed meanwhile (on PostgreSQL this waits for its row, then sees it sending).
        var outbox = (await connection.QueryAsync<long>($"""
            UPDATE mail_outbox SET state = 'withdrawn', message_id = 'withdrawn.' || id || '.' || message_id,
                   last_error = 'withdrawn before sending: it carried a story since removed (items remove, or retention); its stories are alerted again without it'
            WHERE {Dialect.InList(connection, "id", "carrying")} AND state IN ('queued', 'failed') AND kind = 'alert'
            RETURNING id
            """, new { carrying }, tx)).ToArray();
        if (outbox.Length == 0) return 0;
        await connection.ExecuteAsync($"DELETE FROM mail_alerted WHERE {Dialect.InList(connection, "outbox_id", "outbox")}", new { outbox }, tx);
        Operations.Telemetry.Emailed("withdrawn", "alert", outbox.Length);
        return outbox.Length;
    }

    /// <summary>A digest is composed when it is queued too, and one still queued or failed (the
    /// server down since its hour) would send a removed story. It is withdrawn, and its period
    /// reopened: the recipient's next digest covers it, without the removed story. Only the
    /// latest digest's period can be reopened (an earlier one's would make the next digest repeat
    /// the later one's stories): when a later digest was queued meanwhile, the withdrawn one's
    /// other stories are not mailed again, and `mail list` says so.</summary>
    private static async Task<int> WithdrawDigestsAsync(DbConnection connection, DbTransaction tx, long[] ids)
    {
        var digests = (await connection.QueryAsync<(long Id, string Recipient, string? From, string? Until)>($"""
            UPDATE mail_outbox SET state = 'withdrawn', message_id = 'withdrawn.' || id || '.' || message_id,
                   last_error = 'withdrawn before sending: it carried a story since removed (items remove, or retention)'
            WHERE id IN (SELECT outbox_id FROM mail_digested WHERE {Dialect.InList(connection, "item_id", "ids")})
              AND state IN ('queued', 'failed') AND kind = 'digest'
            RETURNING id, recipient, period_from, period_until
            """, new { ids }, tx)).OrderByDescending(d => d.Until, StringComparer.Ordinal).ToList();
        foreach (var digest in digests)
        {
            var reopened = digest.From is not null && await connection.ExecuteAsync(
                "UPDATE mail_recipients SET digest_until = @from WHERE address = @recipient AND digest_until = @until",
                new { from = digest.From, recipient = digest.Recipient, until = digest.Until }, tx) > 0;
            await connection.ExecuteAsync("UPDATE mail_outbox SET last_error = last_error || @more WHERE id = @Id", new
            {
                digest.Id,
                more = reopened
                    ? "; its period goes into the recipient's next digest, without it"
                    : "; a later digest was queued meanwhile, so its other stories are not mailed again",
            }, tx);
        }
        if (digests.Count > 0) Operations.Telemetry.Emailed("withdrawn", "digest", digests.Count);
        return digests.Count;
    }
}
