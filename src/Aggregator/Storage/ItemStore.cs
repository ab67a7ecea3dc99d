using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Processing.Stories;
using Aggregator.Processing.Tagging;
using Dapper;

namespace Aggregator.Storage;

/// <summary>Writes items, sightings and tags. Uniqueness is the database's job: one item per
/// content hash and one sighting per (source, entry) are constraints, and inserts are
/// INSERT ... ON CONFLICT, never check-then-insert.</summary>
public sealed class ItemStore(Database database, TimeProvider clock)
{
    public async Task<long> EnsureSourceAsync(string kind, string locator, string? title, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>("""
            INSERT INTO sources (kind, locator, title, created_at) VALUES (@kind, @locator, @title, @now)
            ON CONFLICT (kind, locator) DO NOTHING
            RETURNING id
            """, new { kind, locator, title, now = clock.GetUtcNow().UtcDateTime });
        return id ?? await connection.ExecuteScalarAsync<long>(
            "SELECT id FROM sources WHERE kind = @kind AND locator = @locator", new { kind, locator });
    }

    /// <summary>Records why a source could not be read (or clears it with null), where
    /// `items` and later `feeds list` show it.</summary>
    public async Task SetSourceErrorAsync(long sourceId, string? error, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync("""
            UPDATE sources SET last_error = @error, last_error_at = CASE WHEN @error IS NULL THEN NULL ELSE @now END
            WHERE id = @sourceId AND coalesce(last_error, '') <> coalesce(@error, '')
            """, new { sourceId, error, now = clock.GetUtcNow().UtcDateTime });
    }

    public async Task<StoreOutcome> StoreAsync(IncomingItem item, CancellationToken ct)
    {
        await using var write = await database.BeginWriteAsync(ct);
        var outcome = (await ItemBatch.StoreInAsync(write.Connection, write.Transaction, [item], clock.GetUtcNow().UtcDateTime))[0];
        await write.CommitAsync(ct);
        return outcome;
    }

    /// <summary>A source's entry now carries other content than before (ItemBatch found its
    /// sighting with another hash): see ReplaceContentAsync.</summary>
    public static async Task UpdateInAsync(DbConnection connection, DbTransaction tx, IncomingItem item, DateTime now)
    {
        var sighting = await connection.QuerySingleAsync<SightingRow>(
            "SELECT id, item_id, content_hash, url FROM sightings WHERE source_id = @SourceId AND entry_key = @EntryKey",
            new { item.SourceId, item.EntryKey }, tx);
        await ReplaceContentAsync(connection, tx, sighting, item, now);
    }

    /// <summary>An edited entry: its item is updated in place (keeping its published id) when
    /// nobody else carries the old content; otherwise the sighting moves to the new content.</summary>
    private static async Task ReplaceContentAsync(DbConnection connection, DbTransaction tx, SightingRow sighting, IncomingItem item, DateTime now)
    {
        var othersCarryOld = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM sightings WHERE item_id = @ItemId AND id <> @Id", sighting, tx) > 0;
        var newContentStored = await connection.ExecuteScalarAsync<long?>(
            "SELECT id FROM items WHERE content_hash = @ContentHash", new { item.ContentHash }, tx);

        long itemId;
        if (!othersCarryOld && newContentStored is null)
        {
            itemId = sighting.ItemId;
            // Readers ignore in-place edits of an entry they have read: a correction keeps the
            // published id, a material rewrite (no longer a copy of what was published) gets
            // the new content's id and leaves its old story, so it reaches readers as new.
            var old = await connection.QuerySingleAsync<(string Title, string Body, DateTime? PublishedAt, DateTime FirstSeenAt)>(
                "SELECT title, body, published_at, first_seen_at FROM items WHERE id = @itemId", new { itemId }, tx);
            var rewritten = !StoryMatch.Decide(StoryFingerprint.Of(old.Title, old.Body, old.PublishedAt ?? old.FirstSeenAt), item.Story, sameEntry: true).Same;
            await StoryIndex.RemoveAsync(connection, tx, itemId, keepStory: !rewritten);
            var entryId = rewritten ? await FreeEntryIdAsync(connection, tx, item, except: itemId) : null;
            await connection.ExecuteAsync("""
                UPDATE items SET content_hash = @ContentHash, title = @Title, body = @Body, url = @Url, language = @Language,
                                 outlet = @Outlet, author = @Author, updated_at = @now, search_state = 1,
                                 published_at = CASE WHEN @DatedByUpdate AND NOT @rewritten AND published_at IS NOT NULL THEN published_at ELSE @PublishedAt END, content_html = @ContentHtml, enclosures = @Enclosures,
                                 entry_id = CASE WHEN @rewritten THEN @entryId ELSE entry_id END,
                                 story_id = CASE WHEN @rewritten THEN NULL ELSE story_id END,
                                 first_seen_at = CASE WHEN @rewritten THEN @now ELSE first_seen_at END
                WHERE id = @itemId
                """, new { item.ContentHash, item.Title, item.Body, item.Url, item.Language, item.Outlet, item.Author, item.PublishedAt, item.DatedByUpdate, now, item.ContentHtml, item.Enclosures, rewritten, entryId, itemId }, tx);
            if (rewritten)
            {
                // New to readers, so new to alerts and digests too: seen now, not yet alerted
                // (its old story, if it had others, keeps the marks through its heir).
                await connection.ExecuteAsync("DELETE FROM mail_alerted WHERE item_id = @itemId", new { itemId }, tx);
                await using var stories = StoryIndex.Open(connection, tx);
                await stories.PlaceAsync([new StoryIndex.NewItem(itemId, item.Story)]);
            }
            else
                await StoryIndex.AddKeysAsync(connection, tx, itemId, item.Story);
            if (rewritten)
            {
                // A new story: its tags come with it, as an item first stored now.
                await connection.ExecuteAsync("DELETE FROM item_tags WHERE item_id = @itemId", new { itemId }, tx);
                await InsertTagsAsync(connection, tx, itemId, item);
            }
            else
                await TagStore.ReplaceOfAsync(connection, tx, itemId, item.Tags, item.RulesVersion, now);
        }
        else
        {
            (itemId, _) = await InsertItemAsync(connection, tx, item, now);
        }
        await connection.ExecuteAsync(
            "UPDATE sightings SET item_id = @itemId, content_hash = @ContentHash, url = @Url, last_changed_at = @now WHERE id = @Id",
            new { itemId, item.ContentHash, item.Url, now, sighting.Id }, tx);
        if (!othersCarryOld && itemId != sighting.ItemId)
        {
            await StoryIndex.RemoveAsync(connection, tx, sighting.ItemId, keepStory: false);
            await connection.ExecuteAsync("DELETE FROM items WHERE id = @ItemId", sighting, tx);
            // PostgreSQL deletes the item's search row with it (a foreign key); SQLite's index is a virtual table.
            if (connection is Microsoft.Data.Sqlite.SqliteConnection)
                await connection.ExecuteAsync("DELETE FROM item_search WHERE rowid = @ItemId", sighting, tx);
        }
        else if (othersCarryOld)
            await ReattributeAsync(connection, tx, sighting, item.Outlet, now);
    }

    /// <summary>A source that corrected its copy of a shared item moved to the corrected text, and
    /// the uncorrected item went on showing that source's link and name, under which the
    /// correction was hidden as a duplicate. When the item's link (and name) were the departing
    /// source's, they become those of its first remaining carrier (a feed's name; none for a document).</summary>
    private static Task<int> ReattributeAsync(DbConnection connection, DbTransaction tx, SightingRow departed, string? outlet, DateTime now) =>
        connection.ExecuteAsync("""
            UPDATE items SET
                url = (SELECT s.url FROM sightings s WHERE s.item_id = items.id ORDER BY s.first_seen_at, s.id LIMIT 1),
                outlet = CASE WHEN outlet IS NOT DISTINCT FROM @outlet
                              THEN (SELECT coalesce(f.title, src.title) FROM sightings s JOIN sources src ON src.id = s.source_id LEFT JOIN feeds f ON f.source_id = s.source_id
                                    WHERE s.item_id = items.id AND src.kind = 'feed' ORDER BY s.first_seen_at, s.id LIMIT 1)
                              ELSE outlet END,
                updated_at = @now
            WHERE id = @ItemId AND url IS NOT DISTINCT FROM @Url
            """, new { departed.ItemId, departed.Url, outlet, now }, tx);

    /// <summary>The first of the item's candidate ids (EntryIds.Candidates) no other item carries.</summary>
    public static async Task<string> FreeEntryIdAsync(DbConnection connection, DbTransaction tx, IncomingItem item, long? except = null)
    {
        var full = item.EntryId + item.ContentHash[32..];
        var taken = (await connection.QueryAsync<string>(
            "SELECT entry_id FROM items WHERE (entry_id = @EntryId OR entry_id = @full OR entry_id LIKE @numbered) AND id <> @except",
            new { item.EntryId, full, numbered = full + "-%", except = except ?? 0 }, tx)).ToHashSet(StringComparer.Ordinal);
        return Processing.EntryIds.Candidates(item.EntryId, item.ContentHash).First(id => !taken.Contains(id));
    }

    /// <summary>SQLite refused an insert because another item carries its published id (see
    /// FreeEntryIdAsync). PostgreSQL's batch insert skips such rows instead (ON CONFLICT DO NOTHING).</summary>
    public static bool EntryIdTaken(Microsoft.Data.Sqlite.SqliteException e) =>
        e.SqliteErrorCode == 19 && e.Message.Contains("items.entry_id", StringComparison.Ordinal);

    /// <summary>One item's row under a published id no other item carries; null when its content is stored already.</summary>
    public static async Task<long?> InsertRowAsync(DbConnection connection, DbTransaction tx, IncomingItem item, DateTime now)
    {
        var entryId = await FreeEntryIdAsync(connection, tx, item);
        return await connection.ExecuteScalarAsync<long?>("""
            INSERT INTO items (content_hash, entry_id, title, body, url, language, outlet, author, published_at, first_seen_at, updated_at, content_html, enclosures)
            VALUES (@ContentHash, @entryId, @Title, @Body, @Url, @Language, @Outlet, @Author, @PublishedAt, @now, @now, @ContentHtml, @Enclosures)
            ON CONFLICT (content_hash) DO NOTHING
            RETURNING id
            """, new { item.ContentHash, entryId, item.Title, item.Body, item.Url, item.Language, item.Outlet, item.Author, item.PublishedAt, now, item.ContentHtml, item.Enclosures }, tx);
    }

    private static async Task<(long Id, bool Inserted)> InsertItemAsync(DbConnection connection, DbTransaction tx, IncomingItem item, DateTime now)
    {
        var id = await InsertRowAsync(connection, tx, item, now);
        if (id is { } inserted)
        {
            await InsertTagsAsync(connection, tx, inserted, item);
            await using var stories = StoryIndex.Open(connection, tx);
            await stories.PlaceAsync([new StoryIndex.NewItem(inserted, item.Story)]);
            return (inserted, true);
        }
        return (await connection.ExecuteScalarAsync<long>("SELECT id FROM items WHERE content_hash = @ContentHash", new { item.ContentHash }, tx), false);
    }

    private static Task<int> InsertTagsAsync(DbConnection connection, DbTransaction tx, long itemId, IncomingItem item) =>
        connection.ExecuteAsync("""
            INSERT INTO item_tags (item_id, tag, score, reason, evidence, rules_version)
            VALUES (@itemId, @Tag, @Score, @Reason, @Evidence, @RulesVersion)
            """,
            item.Tags.Select(t => new { itemId, t.Tag, t.Score, t.Reason, Evidence = EvidenceJson.Write(t.Evidence), item.RulesVersion }),
            tx);

    private sealed record SightingRow
    {
        public long Id { get; init; }
        public long ItemId { get; init; }
        public string ContentHash { get; init; } = "";
        public string? Url { get; init; }
    }
}

/// <summary>The stored form of tag evidence: a JSON array of matched terms.</summary>
public static class EvidenceJson
{
    public static string Write(IReadOnlyList<TermMatch> evidence) => JsonSerializer.Serialize(evidence, EvidenceJsonContext.Default.IReadOnlyListTermMatch);

    public static IReadOnlyList<TermMatch> Read(string json) => JsonSerializer.Deserialize(json, EvidenceJsonContext.Default.ListTermMatch) ?? [];
}

/// <summary>Evidence is written for every tagged item: by code generated at build time, not
/// emitted and compiled at each start.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<TermMatch>))]
[JsonSerializable(typeof(List<TermMatch>))]
internal sealed partial class EvidenceJsonContext : JsonSerializerContext;
