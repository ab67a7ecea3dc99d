using System.Data.Common;
using Dapper;

namespace Aggregator.Storage;

/// <summary>An entry's own page, fetched for a feed that carries only summaries, as kept: the
/// bytes as they came (gzip) and what they are read with, or why there are none.</summary>
public sealed record OriginalPage
{
    public string EntryKey { get; init; } = "";
    /// <summary>The entry's link, as asked for: a feed that links the entry elsewhere has it fetched again.</summary>
    public string Url { get; init; } = "";
    public DateTime FetchedAt { get; init; }
    public long Attempts { get; init; }
    public long? Status { get; init; }
    public string? Error { get; init; }
    public string? ContentType { get; init; }
    public string? Charset { get; init; }
    public string? FinalUrl { get; init; }
    public byte[]? Body { get; init; }
}

/// <summary>The original_pages table (migration 0029): read before a poll's entries are made
/// items, written with the poll's state in its batch.</summary>
public static class OriginalPageRows
{
    public static async Task<Dictionary<string, OriginalPage>> OfFeedAsync(Database database, long feedId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<OriginalPage>(new CommandDefinition("""
            SELECT entry_key, url, fetched_at, attempts, status, error, content_type, charset, final_url, body
            FROM original_pages WHERE feed_id = @feedId
            """, new { feedId }, cancellationToken: ct));
        return rows.ToDictionary(r => r.EntryKey, StringComparer.Ordinal);
    }

    /// <summary>Keeps the pages a poll fetched, and drops those of entries the feed no longer
    /// carries: a page is read again only while its entry is in the feed, so the table stays
    /// the size of the feeds.</summary>
    public static async Task SaveInAsync(DbConnection connection, DbTransaction tx, long feedId, IReadOnlyList<string> carried, IReadOnlyList<OriginalPage> fetched)
    {
        await connection.ExecuteAsync($"DELETE FROM original_pages WHERE feed_id = @feedId AND NOT ({Dialect.InList(connection, "entry_key", "carried")})",
            new { feedId, carried = carried.ToArray() }, tx);
        foreach (var page in fetched)
            await connection.ExecuteAsync("""
                INSERT INTO original_pages (feed_id, entry_key, url, fetched_at, attempts, status, error, content_type, charset, final_url, body)
                VALUES (@feedId, @EntryKey, @Url, @FetchedAt, @Attempts, @Status, @Error, @ContentType, @Charset, @FinalUrl, @Body)
                ON CONFLICT (feed_id, entry_key) DO UPDATE SET url = excluded.url, fetched_at = excluded.fetched_at, attempts = excluded.attempts,
                    status = excluded.status, error = excluded.error, content_type = excluded.content_type, charset = excluded.charset,
                    final_url = excluded.final_url, body = excluded.body
                """, new { feedId, page.EntryKey, page.Url, page.FetchedAt, page.Attempts, page.Status, page.Error, page.ContentType, page.Charset, page.FinalUrl, page.Body }, tx);
    }
}
