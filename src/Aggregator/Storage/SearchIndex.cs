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
            "SELECT id, title, body FROM items WHERE search_state > 0 AND search_state = 1 ORDER BY search_state, id LIMIT @limit"
            + (database.IsPostgres ? " FOR UPDATE SKIP LOCKED" : ""),
            new { limit = BatchSize }, tx, cancellationToken: ct))).ToList();
        if (waiting.Count == 0) return 0;
        var indexed = new List<long>(waiting.Count);
        var tooLong = new List<long>();
        var rows = new List<(long Id, IReadOnlyCollection<string> Grams)>(waiting.Count);
        foreach (var (id, title, body) in waiting)
        {
            if (SearchGrams.OfItem(title, body) is { } grams)
            {
                rows.Add((id, grams));
                indexed.Add(id);
            }
            else tooLong.Add(id);
        }
        var ids = waiting.Select(w => w.Id).ToArray();
        if (database.IsPostgres)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM item_search WHERE item_id = ANY(@ids)", new { ids }, tx, cancellationToken: ct));
            foreach (var (id, grams) in rows)
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO item_search (item_id, grams) VALUES (@id, @grams)", new { id, grams = grams.ToArray() }, tx, cancellationToken: ct));
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
            $"UPDATE items SET search_state = 0 WHERE {Dialect.InList(database.IsPostgres, "id", "indexed")}", new { indexed = indexed.ToArray() }, tx, cancellationToken: ct));
        if (tooLong.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE items SET search_state = 2 WHERE {Dialect.InList(database.IsPostgres, "id", "tooLong")}", new { tooLong = tooLong.ToArray() }, tx, cancellationToken: ct));
        await write.CommitAsync(ct);
        return waiting.Count;
    }

    /// <summary>How many items wait to be indexed (the metric aggregator_search_waiting_items).</summary>
    public async Task<long> WaitingAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM items WHERE search_state > 0 AND search_state = 1", cancellationToken: ct));
    }

    /// <summary>The condition that narrows a search for <paramref name="words"/> (each word as its
    /// forms, any of which it may match; see ItemFilter.TextForms) to the items that can match:
    /// "<paramref name="column"/> IN (…)", the ids of the items holding every word's grams and
    /// of those not indexed, or, with <paramref name="stories"/>, the stories they belong to.
    /// Null when no word has a gram to look up (punctuation alone). Adds its parameters.</summary>
    public static string? Candidates(bool postgres, IReadOnlyList<IReadOnlyList<string>> words, string column, bool stories, DynamicParameters parameters)
    {
        var needed = words
            .Select(forms => forms.Select(SearchGrams.OfWord).ToList())
            .Where(forms => forms.All(grams => grams.Count > 0)) // a form with no gram narrows nothing
            .ToList();
        if (needed.Count == 0) return null;
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
            matching = $"SELECT item_id FROM item_search WHERE {string.Join(" AND ", clauses)}";
        }
        else
        {
            // An FTS5 query: each gram quoted (grams hold letters and digits only).
            var query = string.Join(" AND ", needed.Select(forms =>
                "(" + string.Join(" OR ", forms.Select(grams => "(" + string.Join(" AND ", grams.Select(g => "\"" + g + "\"")) + ")")) + ")"));
            parameters.Add("grams", query);
            matching = "SELECT rowid FROM item_search WHERE item_search MATCH @grams";
        }
        // One set, so that the database looks the candidates up by id instead of reading every
        // story in date order and testing each; the items waiting are few (a minute's worth).
        return stories
            ? $"""
              {column} IN (SELECT coalesce(m.story_id, m.id) FROM items m WHERE m.id IN ({matching})
                           UNION SELECT coalesce(w.story_id, w.id) FROM items w WHERE w.search_state > 0)
              """
            : $"{column} IN ({matching} UNION SELECT w.id FROM items w WHERE w.search_state > 0)";
    }
}
