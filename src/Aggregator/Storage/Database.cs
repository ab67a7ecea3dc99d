using System.Data.Common;
using System.Reflection;
using Aggregator.Configuration;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aggregator.Storage;

/// <summary>Opens connections to the configured database (SQLite embedded, or PostgreSQL for
/// several instances) and applies the numbered migrations of its dialect. Dialect specifics live
/// here, in the migration files, and in the few statements that test <see cref="IsPostgres"/>
/// next to their SQL; everything else is SQL both databases run.</summary>
public sealed class Database : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>pg_advisory_xact_lock key held by every serialized write transaction ("aggr").</summary>
    private const long WriterLockKey = 0x61676772;

    /// <summary>pg_advisory_lock key held while migrating, so instances starting together migrate once.</summary>
    private const long MigrationLockKey = 0x61676773;

    public string Provider { get; }

    /// <summary>SQLite's story index (null on PostgreSQL, which keeps it in a table every instance sees).</summary>
    public StoryKeyCache? StoryKeys { get; }
    public bool IsPostgres => Provider == Postgres;
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _postgres;

    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.RemoveTypeMap(typeof(DateTime));
        SqlMapper.RemoveTypeMap(typeof(DateTime?));
        SqlMapper.AddTypeHandler(new UtcDateTimeHandler());
    }

    /// <summary>The file SQLite keeps the database in: the data folder's, or the one a configured
    /// connection string names (relative to the working directory, as SQLite reads it); null for
    /// PostgreSQL and for a database in memory. Known before a Database is made, which creates it.</summary>
    public static string? SqliteFile(AggregatorOptions options, AppPaths paths)
    {
        if (options.Storage.Provider.Equals(Postgres, StringComparison.OrdinalIgnoreCase)) return null;
        if (string.IsNullOrWhiteSpace(options.Storage.ConnectionString)) return paths.DatabaseFile;
        try
        {
            var source = new SqliteConnectionStringBuilder(options.Storage.ConnectionString).DataSource;
            return string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? null : Path.GetFullPath(source);
        }
        catch (ArgumentException)
        {
            return null; // malformed: opening it says so
        }
    }

    public Database(AppPaths paths, IOptions<AggregatorOptions> options)
    {
        Provider = options.Value.Storage.Provider.ToLowerInvariant();
        var configured = options.Value.Storage.ConnectionString;
        if (IsPostgres)
        {
            // Statements run many times a cycle (the batch writer's, the claims) are prepared
            // on the server after their second use, as SQLite prepares them explicitly.
            var builder = new NpgsqlConnectionStringBuilder(configured);
            if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
            if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "aggregator";
            // JIT compiling a plan costs more than these short queries run (0.45 s of 3.9 s once).
            if (string.IsNullOrEmpty(builder.Options)) builder.Options = "-c jit=off";
            _connectionString = builder.ToString();
            _postgres = NpgsqlDataSource.Create(_connectionString);
            return;
        }
        StoryKeys = new StoryKeyCache();
        _connectionString = string.IsNullOrWhiteSpace(configured)
            ? new SqliteConnectionStringBuilder { DataSource = paths.DatabaseFile, Pooling = true, DefaultTimeout = 30 }.ToString()
            : configured;
        if (string.IsNullOrWhiteSpace(configured))
        {
            try
            {
                Directory.CreateDirectory(paths.DataDirectory);
                CreatePrivate(paths.DatabaseFile);
            }
            catch (UnauthorizedAccessException)
            {
                // A volume owned by another user (root's, the host's): said in one line, with the
                // fix, not as a stack trace in a restart loop.
                throw new InvalidDataException($"cannot create the database in {paths.DataDirectory}: the user this runs as ({Environment.UserName}) may not write there; " +
                    "give the folder to that user (in the image: chown 1654 on the volume's folder) or choose another with --data");
            }
        }
    }

    /// <summary>A new database file readable by its owner only: it holds feed passwords and the
    /// key that signs unsubscribe links. SQLite gives its WAL and shared-memory files the same
    /// mode. An existing file keeps the mode its operator gave it.</summary>
    public static void CreatePrivate(string file)
    {
        if (OperatingSystem.IsWindows() || File.Exists(file)) return;
        try
        {
            using var _ = new FileStream(file, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(file))
        {
            // created meanwhile by another process
        }
    }

    /// <summary>Whether an error is the database's own, not one feed's: locked, full, read-only,
    /// unreadable, or (PostgreSQL) out of resources, read-only (a standby after a failover), shutting
    /// down or unreachable; also when it is the cause of another (a rollback that failed after it).
    /// Every later write would fail the same way, so a cycle stops at the first instead of going on
    /// fetching and logging each feed's failure.</summary>
    public static bool IsUnavailable(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
            if (cause switch
            {
                SqliteException s => s.SqliteErrorCode is 5 or 6 or 8 or 10 or 11 or 13 or 14 or 26, // BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB
                PostgresException p => p.SqlState.StartsWith("53", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal)
                    || p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState == "25006",
                NpgsqlException => true, // the connection itself
                SupersededException => true, // every later write would be refused the same way
                _ => false,
            })
                return true;
        return false;
    }

    /// <summary>Where the data is, for logs and errors: the file, or host/port/database (never the password).</summary>
    public string Describe()
    {
        if (!IsPostgres) return new SqliteConnectionStringBuilder(_connectionString).DataSource;
        var b = new NpgsqlConnectionStringBuilder(_connectionString);
        return $"postgres://{b.Host}:{b.Port}/{b.Database}";
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        StoryKeyCache.Attach(connection, StoryKeys!);
        // Case folding beyond ASCII for the listings' word filter (ItemQueries): SQLite's LIKE
        // and lower() fold A-Z only, so "STÄRKA" did not find "stärka".
        connection.CreateFunction("fold", (string? text) => text?.ToLowerInvariant(), isDeterministic: true);
        // Per connection: SQLite leaves foreign keys off unless asked.
        // A 24 MB page cache (the default is 2 MB) keeps a batch's index pages in memory
        // instead of spilling them to the WAL and reading them back; it is filled only as used.
        // 32 and 64 MB were no faster on the cold cycle (within the noise of this machine) and
        // put its peak RSS at or over 250 MB.
        // Temp B-trees (grouping, sorting, sub-journals) stay in memory instead of temp files.
        // The WAL is checkpointed into the database at 64 MB (8192 pages of 8 KB) instead of 4 MB: a cold cycle
        // checkpointed after nearly every batch commit (commits took 1.9 s of it, now 1.25 s).
        // After a checkpoint the WAL file is cut back to those 64 MB: a reader held open during
        // writes let it grow to 172 MB, and it stayed that size until a clean shutdown.
        // All connections' page caches together stay within 96 MB (soft_heap_limit is the whole
        // process's): each pooled connection filled its own 24 MB, and a service's native memory
        // grew with the connections the web requests had used (147 to 426 MB in half an hour).
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -24576; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 8192; " +
            "PRAGMA journal_size_limit = 67108864; PRAGMA soft_heap_limit = 100663296;");
        return connection;
    }

    /// <summary>A connection outside the pool, for a caller that keeps it open for its whole life
    /// (RenderCache watches PRAGMA data_version on one). PostgreSQL needs no such thing.</summary>
    public async Task<DbConnection> OpenDedicatedAsync(CancellationToken ct)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>One writer at a time in this process: queueing writers here is cheaper and fairer
    /// than letting them spin on SQLITE_BUSY, or hold pooled connections waiting on a lock.</summary>
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>A connection with an open write transaction; disposing it without commit rolls back.
    /// Serialized writes are one at a time across every instance: SQLite's BEGIN IMMEDIATE, and on
    /// PostgreSQL a transaction-scoped advisory lock. Item batches (story placement reads what
    /// earlier batches stored), alert planning and digests rely on it; the writes themselves are
    /// a small part of a poll, the fetching, parsing and tagging before them run on every worker
    /// at once (docs/clustering.md).</summary>
    /// <param name="serialized">False for a short write that needs no order with the others
    /// (taking claims): on PostgreSQL it then runs beside them under row locks. SQLite serializes
    /// every write anyway.</param>
    public async Task<WriteScope> BeginWriteAsync(CancellationToken ct, bool serialized = true)
    {
        serialized |= !IsPostgres;
        var gate = serialized ? _writeGate : null;
        if (gate is not null) await gate.WaitAsync(ct);
        try
        {
            var connection = await OpenAsync(ct);
            try
            {
                var transaction = await connection.BeginTransactionAsync(ct);
                if (IsPostgres && serialized)
                    await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = WriterLockKey }, transaction, cancellationToken: ct));
                await RefuseIfSupersededAsync(connection, transaction, ct);
                return new WriteScope(connection, transaction, gate, IsPostgres && serialized);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    private long _supersededCheckedAt = -60_000; // Environment.TickCount64 of the last check: due at the first write

    /// <summary>Refuses to write once a later version has migrated the database (checked at most
    /// once a minute): a node of a cluster whose others were upgraded went on polling and writing,
    /// in a schema it does not know, after its /readyz already said it must not (an audit's finding).</summary>
    private async Task RefuseIfSupersededAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _supersededCheckedAt) < 60_000) return;
        IReadOnlyList<long> applied;
        try
        {
            applied = await AppliedInAsync(connection, transaction, ct);
        }
        catch (Exception e) when (e is SqliteException { SqliteErrorCode: 1 } || e is PostgresException { SqlState: "42P01" })
        {
            return; // not migrated yet (no such table): nothing newer either
        }
        if (NewerThanThisVersion(applied) is { } newer) throw new SupersededException(newer);
        Interlocked.Exchange(ref _supersededCheckedAt, now);
    }

    /// <summary>The database was migrated by a later version of the program: this one writes nothing more.</summary>
    public sealed class SupersededException(string message) : InvalidOperationException(message);

    public sealed class WriteScope(DbConnection connection, DbTransaction transaction, SemaphoreSlim? gate, bool countsVersion) : IAsyncDisposable
    {
        public DbConnection Connection => connection;
        public DbTransaction Transaction => transaction;

        public async Task CommitAsync(CancellationToken ct)
        {
            // The change counter other instances' web tiers watch (see postgres/0007_claims.sql).
            if (countsVersion)
                await connection.ExecuteAsync(new CommandDefinition("UPDATE data_version SET version = version + 1", transaction: transaction, cancellationToken: ct));
            await transaction.CommitAsync(ct);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
            gate?.Release();
        }
    }

    /// <summary>Why this program must not use a database a later version migrated (an instance
    /// left behind in a rolling upgrade): it would write what the later one no longer reads, and
    /// undo its rebuilds. Null when it knows every migration applied.</summary>
    public string? NewerThanThisVersion(IEnumerable<long> applied)
    {
        var latest = Migrations(Provider).Max(m => m.Version);
        var unknown = applied.Where(v => v > latest).Order().ToList();
        return unknown.Count == 0 ? null
            : $"the database {Describe()} was migrated by a later version of Aggregator (migration {string.Join(", ", unknown)}; this one knows up to {latest}): run that version, or restore a backup taken before the upgrade";
    }

    /// <summary>Applies the migrations not applied yet; returns the names of those this call
    /// applied (none when another process, holding the lock first, applied them).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        var done = new List<string>();
        await using var connection = await OpenAsync(ct);
        if (IsPostgres)
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLockKey }, cancellationToken: ct));
        else
            // WAL lets the web tier read while an import writes; the setting persists in the file.
            // Pages of 8 KB for a new database (an existing one keeps its size): a cold cycle
            // over 1000 feeds took 9.5–10.2 s instead of 10.9–12.1 s with 4 KB pages, with a
            // shallower index and fewer overflow pages for items of a few KB.
            await connection.ExecuteAsync("PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;");
        try
        {
            await connection.ExecuteAsync($"""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    {(IsPostgres ? "bigint" : "INTEGER")} PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """);
            var applied = (await AppliedInAsync(connection, null, ct)).ToHashSet();
            if (NewerThanThisVersion(applied) is { } newer) throw new InvalidDataException(newer);
            foreach (var (version, name, sql) in Migrations(Provider).Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(sql, transaction: tx);
                if (version is 12 or 15) await NormalizeFeedUrlsAsync(connection, tx);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @now)",
                    new { version, name, now = DateTime.UtcNow }, tx);
                await tx.CommitAsync(ct);
                done.Add(name);
            }
        }
        finally
        {
            if (IsPostgres)
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = MigrationLockKey });
        }
        return done;
    }

    /// <summary>Migrations 12 and 15: each feed address, and its source's locator, in the stored form
    /// (<see cref="Sources.FeedUrl"/>); a feed whose stored form another feed has already is
    /// that feed subscribed twice, and its second subscription is removed.</summary>
    private static async Task NormalizeFeedUrlsAsync(DbConnection connection, DbTransaction tx)
    {
        foreach (var (id, url, sourceId) in await connection.QueryAsync<(long, string, long)>("SELECT id, url, source_id FROM feeds", transaction: tx))
        {
            // An address with user:password@ (earlier builds kept them in it) gives them to the new columns.
            if (Sources.FeedUrl.Parse(url, out var credentials, out _) is not { } normalized || normalized == url) continue;
            if (await connection.ExecuteAsync("""
                UPDATE feeds SET url = @normalized, username = coalesce(@user, username), password = CASE WHEN @user IS NULL THEN password ELSE @password END
                WHERE id = @id AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = @normalized)
                """, new { normalized, id, user = credentials?.User, password = credentials?.Password }, tx) == 1)
                await connection.ExecuteAsync("""
                    UPDATE sources SET locator = @normalized
                    WHERE id = @sourceId AND NOT EXISTS (SELECT 1 FROM sources WHERE kind = 'feed' AND locator = @normalized)
                    """, new { normalized, sourceId }, tx);
            else
                // The same feed subscribed a second time under another spelling ("feed.xml#top"
                // beside "feed.xml"): polled twice, and `feeds remove` could reach only one. The
                // second subscription goes; what it read stays.
                await connection.ExecuteAsync("DELETE FROM feeds WHERE id = @id", new { id }, tx);
        }
    }

    public async Task<IReadOnlyList<long>> AppliedMigrationsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await AppliedInAsync(connection, null, ct);
    }

    private static async Task<IReadOnlyList<long>> AppliedInAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct) =>
        (await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations ORDER BY version", transaction: transaction, cancellationToken: ct))).ToList();

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

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        _writeGate.Dispose();
    }
}
