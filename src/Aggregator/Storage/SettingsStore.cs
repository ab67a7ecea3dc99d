using Dapper;

namespace Aggregator.Storage;

/// <summary>Small facts the service keeps about itself: the hash of the last imported OPML
/// file, the version of the topic rules the stored tags come from.</summary>
public sealed class SettingsStore(Database database)
{
    public async Task<string?> GetAsync(string key, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<string?>("SELECT value FROM settings WHERE key = @key", new { key });
    }

    public async Task SetAsync(string key, string value, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await SetInAsync(connection, null, key, value);
    }

    /// <summary>Records a setting in the caller's transaction, with what it is about.</summary>
    public static Task SetInAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? tx, string key, string value) =>
        connection.ExecuteAsync("""
            INSERT INTO settings (key, value) VALUES (@key, @value)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, new { key, value }, tx);
}
