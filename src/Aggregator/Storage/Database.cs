using System.Data.Common;
using System.Reflection;
using Aggregator.Configuration;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Aggregator.Storage;

/// <summary>Opens connections and applies the numbered migrations of the configured dialect.
/// Dialect specifics live here and in the migration files; stores run portable SQL.</summary>
public sealed class Database
{
    public string Provider { get; }
    private readonly string _connectionString;

    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.RemoveTypeMap(typeof(DateTime));
        SqlMapper.RemoveTypeMap(typeof(DateTime?));
        SqlMapper.AddTypeHandler(new UtcDateTimeHandler());
    }

    public Database(AppPaths paths, IOptions<AggregatorOptions> options)
    {
        Provider = options.Value.Storage.Provider.ToLowerInvariant();
        var configured = options.Value.Storage.ConnectionString;
        _connectionString = string.IsNullOrWhiteSpace(configured)
            ? new SqliteConnectionStringBuilder { DataSource = paths.DatabaseFile, Pooling = true, DefaultTimeout = 30 }.ToString()
            : configured;
        if (string.IsNullOrWhiteSpace(configured))
            Directory.CreateDirectory(paths.DataDirectory);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        // Per connection: SQLite leaves foreign keys off unless asked.
        // A 64 MB page cache (the default is 2 MB) keeps a batch's index pages in memory
        // instead of spilling them to the WAL and reading them back; it is filled only as used.
        // Temp B-trees (grouping, sorting, sub-journals) stay in memory instead of temp files.
        // The WAL is checkpointed into the database at 64 MB instead of 4 MB: a cold cycle
        // checkpointed after nearly every batch commit (commits took 1.9 s of it, now 1.25 s).
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 16384;");
        return connection;
    }

    /// <summary>A connection outside the pool, for a caller that keeps it open for its whole life
    /// (RenderCache watches PRAGMA data_version on one).</summary>
    public async Task<DbConnection> OpenDedicatedAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>SQLite has one writer at a time; queueing writers here is cheaper and fairer
    /// than letting them spin on SQLITE_BUSY.</summary>
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>A connection with an open write transaction; disposing it without commit rolls back.</summary>
    public async Task<WriteScope> BeginWriteAsync(CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var connection = await OpenAsync(ct);
            return new WriteScope(connection, await connection.BeginTransactionAsync(ct), _writeGate);
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    public sealed class WriteScope(DbConnection connection, DbTransaction transaction, SemaphoreSlim gate) : IAsyncDisposable
    {
        public DbConnection Connection => connection;
        public DbTransaction Transaction => transaction;

        public Task CommitAsync(CancellationToken ct) => transaction.CommitAsync(ct);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
            gate.Release();
        }
    }

    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // WAL lets the web tier read while an import writes; the setting persists in the file.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        await connection.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """);
        var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations")).ToHashSet();
        foreach (var (version, name, sql) in Migrations(Provider).Where(m => !applied.Contains(m.Version)))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(sql, transaction: tx);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @now)",
                new { version, name, now = DateTime.UtcNow }, tx);
            await tx.CommitAsync(ct);
        }
    }

    public async Task<IReadOnlyList<long>> AppliedMigrationsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
    }

    /// <summary>Storage/Migrations/{dialect}/NNNN_name.sql, embedded in the assembly.</summary>
    public static IReadOnlyList<(long Version, string Name, string Sql)> Migrations(string dialect)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"Aggregator.Storage.Migrations.{dialect}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..^4];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (long.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)]), name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Item1)
            .ToList();
    }
}
