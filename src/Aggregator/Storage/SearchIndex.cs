using System.Data.Common;
using Aggregator.Processing;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The search index: which items hold each character gram (Processing/SearchGrams).
/// Storing an item does not index it: a cold cycle stores tens of thousands of items and a
/// reader searches later, so the service indexes what is waiting once a minute, in batches
/// (Scheduling/IndexSearchJob). A search takes the items whose grams match and, besides them,
/// every item not indexed yet (or too long to index), and the LIKE over title and body decides
/// among those: what it finds does not depend on how far the indexer has come.</summary>
public sealed class SearchIndex(Database database)
{
    public const int BatchSize = 500;

    /// <summary>A catch-up this large (the first after an upgrade, or after a big import) is
    /// followed on PostgreSQL by fresh planner statistics.</summary>
    private const int AnalyzeAfter = 5_000;

    /// <summary>Indexes every item waiting, a batch per transaction; returns how many.</summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        await RequeueIfGramsChangedAsync(ct);
        var total = 0;
        while (await IndexBatchAsync(ct) is var indexed and > 0)
            total += indexed;
        if (database.IsPostgres && total >= AnalyzeAfter)
        {
            // Until autovacuum gets to a freshly filled index, the planner has no statistics for
            // it and read every story in date order instead: 1.0–1.2 s a search at 76,000 items
            // against 0.01 s once analyzed (docs/benchmarks.md).
            await using var connection = await database.OpenAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition("ANALYZE item_search", cancellationToken: ct));
        }
        return total;
    }

    private const string VersionKey = "search_grams_version";
    private bool _gramsVersionChecked;

    /// <summary>Grams computed another way (an index built by an earlier version) would hide what
    /// the LIKEs now match: every item indexed, or left out as too long, waits again, and is read
    /// whole until indexed.</summary>
    private async Task RequeueIfGramsChangedAsync(CancellationToken ct)
    {
        if (_gramsVersionChecked) return; // once per process: the version is this program's
        await using var write = await database.BeginWriteAsync(ct, serialized: false);
        var stored = await write.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM settings WHERE key = @VersionKey", new { VersionKey }, write.Transaction, cancellationToken: ct));
        if (stored == SearchGrams.Version)
        {
            _gramsVersionChecked = true;
            return;
        }
        if (stored is not null || await write.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM items WHERE search_state <> 1", transaction: write.Transaction, cancellationToken: ct)) > 0)
            await write.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE items SET search_state = 1 WHERE search_state <> 1", transaction: write.Transaction, cancellationToken: ct));
        await SettingsStore.SetInAsync(write.Connection, write.Transaction, VersionKey, SearchGrams.Version);
        await write.CommitAsync(ct);
        _gramsVersionChecked = true;
    }

    /// <summary>Indexes up to <see cref="BatchSize"/> waiting items, the oldest first.</summary>
    public async Task<int> IndexBatchAsync(CancellationToken ct)
    {
        // On PostgreSQL the batch's items are locked (an edit waits for the batch, or the batch
        // skips the items an edit holds), so none leaves the queue with grams older than its text;
        // nothing a reader sees changes, so the batch neither queues behind the writer nor counts
        // as a change for the web tier's caches (serialized: false). SQLite serializes anyway.
        await using var write = await database.BeginWriteAsync(ct, serialized: false);
        var (connection, tx) = (write.Connection, write.Transaction);
        var waiting = (await connection.QueryAsync<(long Id, string Title, string Body)>(new CommandDefinition(
            // "search_state > 0" as the partial index items_search_waiting states it, so it is used.
            "SELECT id, title, body FROM items WHERE search_state > 0 AND search_state = 1 ORDER BY search_state, id LIMIT @limit"
            + (database.IsPostgres ? " FOR UPDATE SKIP LOCKED" : ""),
            new { limit = BatchSize }, tx, cancellationToken: ct))).ToList();
        if (waiting.Count == 0) return 0;
        var grammed = waiting.Select(w => (w.Id, Grams: SearchGrams.OfItem(w.Title, w.Body))).ToList();
        var rows = grammed.Where(g => g.Grams is not null).Select(g => (g.Id, Grams: g.Grams!)).ToList();
        var indexed = rows.Select(r => r.Id).ToArray();
        var tooLong = grammed.Where(g => g.Grams is null).Select(g => g.Id).ToArray();
        var ids = waiting.Select(w => w.Id).ToArray();
        if (database.IsPostgres)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM item_search WHERE item_id = ANY(@ids)", new { ids }, tx, cancellationToken: ct));
            // The whole batch in one statement (a round trip per item indexed 1,260 items a second;
            // docs/benchmarks.md): arrays of different lengths cannot go as one two-dimensional
            // array, so each item's grams go as one string, split by the server (grams hold letters
            // and digits only, never a space).
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO item_search (item_id, grams)
                SELECT t.id, string_to_array(t.grams, ' ') FROM unnest(@indexed::bigint[], @grams::text[]) AS t (id, grams)
                """, new { indexed, grams = rows.Select(r => string.Join(' ', r.Grams)).ToArray() }, tx, cancellationToken: ct));
        }
        else
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM item_search WHERE rowid IN @ids", new { ids }, tx, cancellationToken: ct));
            foreach (var (id, grams) in rows)
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO item_search (rowid, grams) VALUES (@id, @grams)", new { id, grams = string.Join(' ', grams) }, tx, cancellationToken: ct));
        }
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE items SET search_state = 0 WHERE {Dialect.InList(database.IsPostgres, "id", "indexed")}", new { indexed }, tx, cancellationToken: ct));
        if (tooLong.Length > 0)
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE items SET search_state = 2 WHERE {Dialect.InList(database.IsPostgres, "id", "tooLong")}", new { tooLong }, tx, cancellationToken: ct));
        await write.CommitAsync(ct);
        return waiting.Count;
    }

    /// <summary>Past this many candidates a search reads the stories in date order instead,
    /// which stops at the page's end: a word most items hold ("the", one Chinese character) was
    /// 2–8 times slower through the index than without it (docs/benchmarks.md).</summary>
    public const int MaxCandidates = 2_000;

    /// <summary>The items a search for <paramref name="words"/> (each word as its forms, any of
    /// which it may match; see ItemFilter.TextForms) can find: those holding every word's grams
    /// and those not indexed, or with <paramref name="stories"/> the stories they belong to.
    /// Null when the index cannot narrow it: no word has a gram to look up (punctuation alone),
    /// or there are more than <see cref="MaxCandidates"/>. The LIKEs over title and body decide
    /// among the candidates, so what a search finds never depends on the index.</summary>
    public static async Task<IReadOnlyList<long>?> CandidatesAsync(DbConnection connection, IReadOnlyList<IReadOnlyList<string>> words, bool stories, CancellationToken ct)
    {
        var needed = words
            .Select(forms => forms.Select(SearchGrams.OfWord).ToList())
            .Where(forms => forms.All(grams => grams.Count > 0)) // a form with no gram narrows nothing
            .ToList();
        if (needed.Count == 0) return null;
        var postgres = connection is Npgsql.NpgsqlConnection;
        var parameters = new DynamicParameters();
        parameters.Add("limit", MaxCandidates + 1);
        string matching;
        if (postgres)
        {
            // Each word: one of its forms' gram sets is contained in the item's.
            var clauses = new List<string>();
            for (var k = 0; k < needed.Count; k++)
            {
                var forms = new List<string>();
                for (var f = 0; f < needed[k].Count; f++)
                {
                    parameters.Add($"g{k}_{f}", needed[k][f].ToArray());
                    forms.Add($"grams @> @g{k}_{f}");
                }
                clauses.Add("(" + string.Join(" OR ", forms) + ")");
            }
            matching = $"SELECT item_id FROM item_search WHERE {string.Join(" AND ", clauses)} LIMIT @limit";
        }
        else
        {
            // An FTS5 query: each gram quoted (grams hold letters and digits only).
            parameters.Add("grams", string.Join(" AND ", needed.Select(forms =>
                "(" + string.Join(" OR ", forms.Select(grams => "(" + string.Join(" AND ", grams.Select(g => "\"" + g + "\"")) + ")")) + ")")));
            matching = "SELECT rowid FROM item_search WHERE item_search MATCH @grams LIMIT @limit";
        }
        // The gram arrays live out of line, so PostgreSQL's planner takes item_search for a small
        // table and often reads all of it, unpacking every array (1–3 s at 40,000 items, an
        // audit's finding), instead of asking the GIN index (milliseconds). (No transaction on
        // SQLite: Microsoft.Data.Sqlite begins one with BEGIN IMMEDIATE, the write lock.)
        await using var tx = postgres ? await connection.BeginTransactionAsync(ct) : null;
        if (tx is not null)
            await connection.ExecuteAsync(new CommandDefinition("SET LOCAL enable_seqscan = off", transaction: tx, cancellationToken: ct));
        // One statement, so one snapshot: the items waiting and the grams are read at the same
        // moment, and an item the indexer commits meanwhile is in one or the other (read in two
        // statements, a search missed it now and then, an audit's finding).
        var rows = (await connection.QueryAsync<(long Id, long? Story)>(new CommandDefinition($"""
            WITH c (id) AS (
                SELECT * FROM (SELECT id FROM items WHERE search_state > 0 LIMIT @limit) w
                UNION ALL
                SELECT * FROM ({matching}) g)
            SELECT c.id, coalesce(i.story_id, i.id) FROM c LEFT JOIN items i ON i.id = c.id
            """, parameters, tx, cancellationToken: ct))).ToList();
        var ids = rows.Select(r => r.Id).Distinct().ToList();
        if (ids.Count > MaxCandidates) return null;
        return stories ? rows.Where(r => r.Story is not null).Select(r => r.Story!.Value).Distinct().ToList() : ids;
    }
}
