using Aggregator.Processing.Stories;
using Aggregator.Storage;
using Dapper;

namespace Aggregator.Ingestion;

/// <summary>Rebuilds the story index and every item's story from stored text, oldest item first,
/// when the clustering method changed (its version is the setting "stories_version") or the
/// database predates story clustering. A new, empty database only records the version.</summary>
public sealed class StoryRebuilder(Database database, SettingsStore settings, ILogger<StoryRebuilder> logger)
{
    /// <summary>Bump when shingles, keys or the decision change.</summary>
    public const string Version = "9";

    private const string VersionKey = "stories_version";
    private const int PageSize = 500;

    public async Task<int?> RebuildIfChangedAsync(CancellationToken ct)
    {
        var stored = await settings.GetAsync(VersionKey, ct);
        if (stored == Version) return null;
        // Stories built by a later version (an instance left behind in a rolling upgrade): not
        // rebuilt back to this version's clustering, and again forward by the next restart of the other.
        if (int.TryParse(stored, System.Globalization.CultureInfo.InvariantCulture, out var storedVersion) && storedVersion > int.Parse(Version, System.Globalization.CultureInfo.InvariantCulture))
        {
            logger.LogWarning("Stories were built by a later version of Aggregator (clustering {Stored}, this one {Version}); they are left as they are", stored, Version);
            return null;
        }
        var items = await RebuildAsync(ct);
        if (items > 0)
            logger.LogInformation("Story clustering changed ({Old} → {New}): {Items} item(s) placed in stories again", stored ?? "none", Version, items);
        return items;
    }

    /// <summary>One transaction: readers see the old stories or the new ones, never half of each.</summary>
    public async Task<int> RebuildAsync(CancellationToken ct)
    {
        var count = 0;
        await using (var write = await database.BeginWriteAsync(ct))
        {
            var (connection, tx) = (write.Connection, write.Transaction);
            await StoryIndex.ClearAsync(connection, tx);
            await using var stories = StoryIndex.Open(connection, tx);
            // In order of publication, as a cycle places what it finds (StoryIndex.PlaceAsync): the
            // copy published first heads its story. The order is worked out on ids and dates alone.
            var order = (await connection.QueryAsync<(long Id, DateTime Date)>(
                    "SELECT id, coalesce(published_at, first_seen_at) FROM items", transaction: tx))
                .OrderBy(i => i.Date).ThenBy(i => i.Id).Select(i => i.Id).ToList();
            foreach (var chunk in order.Chunk(PageSize))
            {
                var list = chunk;
                var page = (await connection.QueryAsync<(long Id, string Title, string Body, DateTime Date)>(
                    $"SELECT id, title, body, coalesce(published_at, first_seen_at) FROM items WHERE {Storage.Dialect.InList(connection, "id", "list")}",
                    new { list }, tx)).ToDictionary(i => i.Id);
                var placed = chunk.Where(page.ContainsKey).Select(id => new StoryIndex.NewItem(id, StoryFingerprint.Of(page[id].Title, page[id].Body, page[id].Date))).ToList();
                await stories.PlaceAsync(placed);
                count += placed.Count;
                ct.ThrowIfCancellationRequested();
            }
            await write.CommitAsync(ct);
        }
        await settings.SetAsync(VersionKey, Version, ct);
        return count;
    }
}
