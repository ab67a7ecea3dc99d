using Aggregator.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.TestSupport;

/// <summary>A SQLite database as an earlier build left it: the migrations up to a version
/// applied and recorded, the rest still to come. The caller adds rows the way that build wrote them.</summary>
public static class LegacyDatabase
{
    /// <returns>An open connection (pooling off, so the file is free once it is disposed).</returns>
    public static async Task<SqliteConnection> CreateAsync(string file, long upToVersion, CancellationToken ct)
    {
        var legacy = new SqliteConnection($"Data Source={file};Pooling=False");
        await legacy.OpenAsync(ct);
        await legacy.ExecuteAsync("PRAGMA journal_mode = WAL; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        foreach (var (version, name, sql) in Database.Migrations("sqlite").Where(m => m.Version <= upToVersion))
        {
            await legacy.ExecuteAsync(sql);
            await legacy.ExecuteAsync("INSERT INTO schema_migrations VALUES (@version, @name, '2025-01-01')", new { version, name });
        }
        return legacy;
    }
}
