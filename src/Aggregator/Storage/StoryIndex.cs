using System.Data.Common;
using System.Globalization;
using Aggregator.Processing.Stories;
using Dapper;

namespace Aggregator.Storage;

/// <summary>Places items in stories through the story_keys index: candidates are the stored
/// items sharing a key with the new one, and the earliest candidate that StoryMatch judges a
/// copy gives its story. Used inside the writer's transaction, so items of one batch see each
/// other. Statements are prepared once per batch (<see cref="Open"/>).</summary>
public sealed class StoryIndex : IAsyncDisposable
{
    /// <summary>Enough parameters for every key of an item (16 bands, the lead, six figure pairs).</summary>
    private const int KeyParameters = 24;

    /// <summary>Candidates compared at most, newest first: a key shared by very many items
    /// (boilerplate that survived cleaning) must not make placing an item cost a scan.</summary>
    public const int MaxCandidates = 64;

    private readonly DbCommand findCandidates;
    private readonly DbCommand readCandidate;
    private readonly DbCommand insertKey;
    private readonly DbCommand join;

    private StoryIndex(DbCommand findCandidates, DbCommand readCandidate, DbCommand insertKey, DbCommand join) =>
        (this.findCandidates, this.readCandidate, this.insertKey, this.join) = (findCandidates, readCandidate, insertKey, join);

    public static StoryIndex Open(DbConnection connection, DbTransaction tx)
    {
        var keys = Enumerable.Range(0, KeyParameters).Select(i => "k" + i).ToArray();
        return new StoryIndex(
            Prepared.Command(connection, tx, $"""
                SELECT DISTINCT item_id FROM story_keys WHERE key IN ({string.Join(", ", keys.Select(k => "@" + k))})
                ORDER BY item_id DESC LIMIT {MaxCandidates}
                """, keys),
            Prepared.Command(connection, tx, """
                SELECT coalesce(story_id, id), title, body, coalesce(published_at, first_seen_at) FROM items WHERE id = @i
                """, "i"),
            Prepared.Command(connection, tx, "INSERT OR IGNORE INTO story_keys (key, item_id) VALUES (@k, @i)", "k", "i"),
            Prepared.Command(connection, tx, "UPDATE items SET story_id = @s WHERE id = @i", "s", "i"));
    }

    /// <summary>Files a newly inserted item: it joins the story of the earliest stored copy, if
    /// any (otherwise it starts its own), and is indexed under its keys.</summary>
    public async Task<long?> PlaceAsync(long itemId, StoryFingerprint story)
    {
        var found = await FindStoryAsync(story);
        if (found is { } storyId)
        {
            Prepared.Set(join, storyId, itemId);
            await join.ExecuteNonQueryAsync();
        }
        await AddKeysAsync(itemId, story);
        return found;
    }

    /// <summary>The story a new item belongs to, or null when it starts one.</summary>
    private async Task<long?> FindStoryAsync(StoryFingerprint story)
    {
        if (story.Keys.Count == 0) return null;
        for (var i = 0; i < KeyParameters; i++)
            findCandidates.Parameters[i].Value = story.Keys[Math.Min(i, story.Keys.Count - 1)];
        var candidates = new List<long>();
        await using (var reader = await findCandidates.ExecuteReaderAsync())
            while (await reader.ReadAsync()) candidates.Add(reader.GetInt64(0));
        long? found = null;
        foreach (var candidate in candidates) // newest first; the earliest match wins
        {
            readCandidate.Parameters[0].Value = candidate;
            await using var reader = await readCandidate.ExecuteReaderAsync();
            if (!await reader.ReadAsync()) continue;
            var stored = StoryFingerprint.Of(reader.GetString(1), reader.GetString(2), ParseTime(reader.GetString(3)));
            if (StoryMatch.Decide(story, stored).Same) found = reader.GetInt64(0);
        }
        return found;
    }

    /// <summary>Indexes an item under its keys (its story unchanged).</summary>
    public async Task AddKeysAsync(long itemId, StoryFingerprint story)
    {
        insertKey.Parameters[1].Value = itemId;
        foreach (var key in story.Keys)
        {
            insertKey.Parameters[0].Value = key;
            await insertKey.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Takes an item out of the index and out of its story before its row is deleted or
    /// its text replaced: its keys go (recomputed from the text they were made from), and when it
    /// started a story with other members, the earliest of them starts it instead.</summary>
    public static async Task RemoveAsync(DbConnection connection, DbTransaction tx, long itemId, bool keepStory)
    {
        var old = await connection.QuerySingleAsync<(string Title, string Body, string Date)>(
            "SELECT title, body, coalesce(published_at, first_seen_at) FROM items WHERE id = @itemId", new { itemId }, tx);
        var keys = StoryFingerprint.Of(old.Title, old.Body, ParseTime(old.Date)).Keys;
        await connection.ExecuteAsync("DELETE FROM story_keys WHERE key = @key AND item_id = @itemId",
            keys.Select(key => new { key, itemId }), tx);
        if (keepStory) return;
        var heir = await connection.ExecuteScalarAsync<long?>(
            "SELECT min(id) FROM items WHERE story_id = @itemId", new { itemId }, tx);
        if (heir is { } h)
            await connection.ExecuteAsync("""
                UPDATE items SET story_id = CASE WHEN id = @h THEN NULL ELSE @h END WHERE story_id = @itemId
                """, new { h, itemId }, tx);
    }

    private static DateTime ParseTime(string stored) =>
        DateTime.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public async ValueTask DisposeAsync()
    {
        await findCandidates.DisposeAsync();
        await readCandidate.DisposeAsync();
        await insertKey.DisposeAsync();
        await join.DisposeAsync();
    }
}
