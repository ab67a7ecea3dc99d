using Aggregator.Storage;
using Dapper;
using Prometheus;

namespace Aggregator.Operations;

/// <summary>Gauges of what is stored, read from the database when /metrics is scraped: a few
/// counts over indexes, milliseconds even at 100k items. A database that does not answer does
/// not fail the scrape: aggregator_database_up says 0, the gauges keep their last reading, and
/// the process's own counters are still there to see.</summary>
public sealed class StoredStateMetrics(Database database, ILogger<StoredStateMetrics> logger)
{
    private static readonly Gauge DatabaseUp = Metrics.CreateGauge("aggregator_database_up",
        "1 when the database answered the last scrape's queries, 0 when it did not (the stored-state gauges then hold their last reading).");

    private static readonly Gauge Feeds = Metrics.CreateGauge("aggregator_feeds", "Subscriptions by state: ok, failing, gone, disabled, new.", "state");
    private static readonly Gauge Items = Metrics.CreateGauge("aggregator_items", "Distinct contents stored (one per content hash).");
    private static readonly Gauge Stories = Metrics.CreateGauge("aggregator_stories", "Stories: items that start a story (the others are copies of one).");
    private static readonly Gauge Duplicates = Metrics.CreateGauge("aggregator_duplicates",
        "Duplicates folded away, by kind: sighting (the same content from another source or entry), copy (a near-duplicate joined to a story).", "kind");
    private static readonly Gauge Tags = Metrics.CreateGauge("aggregator_tags_assigned", "Items carrying each tag.", "tag");
    private static readonly Gauge Outbox = Metrics.CreateGauge("aggregator_email_outbox", "Emails in the outbox by state: queued, sending, sent, failed, withdrawn.", "state");
    private static readonly Gauge Size = Metrics.CreateGauge("aggregator_database_bytes",
        "The database's size on disk, by part: data (SQLite's file, or PostgreSQL's database) and wal (SQLite's write-ahead log). Nothing is pruned: it grows with the items (about 3.4 KB each).", "part");

    private static readonly Gauge SearchWaiting = Metrics.CreateGauge("aggregator_search_waiting_items",
        "Items by search-index state: waiting (stored or edited since the indexer last ran; searches read them whole), too_long (never indexed; read whole).", "state");

    public void Register(CollectorRegistry registry) => registry.AddBeforeCollectCallback(UpdateAsync);

    private async Task UpdateAsync(CancellationToken ct)
    {
        try
        {
            await ReadAsync(ct);
            DatabaseUp.Set(1);
        }
        catch (Exception e) when (Database.IsUnavailable(e) || e is TimeoutException)
        {
            DatabaseUp.Set(0);
            logger.LogWarning("Metrics: the stored-state gauges were not read ({Reason}); aggregator_database_up is 0", e.Message);
        }
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var feeds = (await connection.QueryAsync<(string State, long Count)>(new CommandDefinition("""
            SELECT CASE WHEN gone = TRUE THEN 'gone' WHEN enabled = FALSE THEN 'disabled' WHEN consecutive_errors > 0 THEN 'failing'
                        WHEN last_success_at IS NULL THEN 'new' ELSE 'ok' END AS state, count(*)
            FROM feeds GROUP BY state
            """, cancellationToken: ct))).ToDictionary(r => r.State, r => r.Count);
        foreach (var state in new[] { "ok", "failing", "gone", "disabled", "new" })
            Feeds.WithLabels(state).Set(feeds.GetValueOrDefault(state));

        var (items, copies, sightings) = await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM items WHERE story_id IS NOT NULL), (SELECT count(*) FROM sightings)
            """, cancellationToken: ct));
        Items.Set(items);
        Stories.Set(items - copies);
        Duplicates.WithLabels("sighting").Set(sightings - items);
        Duplicates.WithLabels("copy").Set(copies);

        foreach (var (tag, count) in await connection.QueryAsync<(string, long)>(new CommandDefinition(
                     "SELECT tag, count(*) FROM item_tags GROUP BY tag", cancellationToken: ct)))
            Tags.WithLabels(tag).Set(count);

        var outbox = (await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            "SELECT state, count(*) FROM mail_outbox GROUP BY state", cancellationToken: ct))).ToDictionary(r => r.State, r => r.Count);
        foreach (var state in new[] { "queued", "sending", "sent", "failed", "withdrawn" })
            Outbox.WithLabels(state).Set(outbox.GetValueOrDefault(state));

        var search = (await connection.QueryAsync<(long State, long Count)>(new CommandDefinition(
            "SELECT search_state, count(*) FROM items WHERE search_state > 0 GROUP BY search_state", cancellationToken: ct))).ToDictionary(r => r.State, r => r.Count);
        SearchWaiting.WithLabels("waiting").Set(search.GetValueOrDefault(1));
        SearchWaiting.WithLabels("too_long").Set(search.GetValueOrDefault(2));

        if (database.IsPostgres)
            Size.WithLabels("data").Set(await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT pg_database_size(current_database())", cancellationToken: ct)));
        else if (connection is Microsoft.Data.Sqlite.SqliteConnection { DataSource: { Length: > 0 } file })
        {
            Size.WithLabels("data").Set(new FileInfo(file) is { Exists: true } data ? data.Length : 0);
            Size.WithLabels("wal").Set(new FileInfo(file + "-wal") is { Exists: true } wal ? wal.Length : 0);
        }
    }
}
