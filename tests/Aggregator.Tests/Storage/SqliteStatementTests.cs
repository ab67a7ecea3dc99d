using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.Storage;

/// <summary>The writer's statements on SQLite's own handle store exactly what Microsoft.Data.Sqlite
/// stores for the same values, in the connection's transaction, and fail as it fails.</summary>
public sealed class SqliteStatementTests
{
    private static readonly string[] Texts = ["", "plain", "한중 관계 中韓關係 日中韓", "🇰🇷 and 🇨🇳", "a\uD800b (a lone surrogate)", new string('長', 5000)];

    private static SqliteConnection Open(TempFolder temp)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(temp.Path, "t.db")};Pooling=False");
        connection.Open();
        connection.Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, a TEXT, b TEXT, n INTEGER, r REAL, x BLOB NOT NULL)");
        return connection;
    }

    [Fact]
    public void Stores_the_bytes_and_types_Microsoft_Data_Sqlite_stores()
    {
        using var temp = new TempFolder();
        using var connection = Open(temp);
        using (var insert = new SqliteStatement(connection, "INSERT INTO t (k, a, b, n, r, x) VALUES (@k, @a, @b, @n, @r, @x) RETURNING id", "k", "a", "b", "n", "r", "x"))
            for (var i = 0; i < Texts.Length; i++)
            {
                // Two texts from the statement's one buffer: SQLite must have copied the first.
                insert.Bind(0, "raw" + i);
                insert.Bind(1, Texts[i]);
                insert.Bind(2, i % 2 == 0 ? null : Texts[Texts.Length - 1 - i]);
                insert.Bind(3, long.MaxValue - i);
                insert.Bind(4, 0.1 * i);
                insert.Bind(5, i % 2 == 0 ? [] : new byte[] { 1, 2, (byte)i });
                Assert.Equal(i + 1, insert.Run());
            }
        for (var i = 0; i < Texts.Length; i++)
            connection.Execute("INSERT INTO t (k, a, b, n, r, x) VALUES (@k, @a, @b, @n, @r, @x)",
                new { k = "ado" + i, a = Texts[i], b = i % 2 == 0 ? null : Texts[Texts.Length - 1 - i], n = long.MaxValue - i, r = 0.1 * i, x = i % 2 == 0 ? [] : new byte[] { 1, 2, (byte)i } });

        var rows = connection.Query<(string K, string A, string B, string N, string R, string X)>(
            "SELECT k, typeof(a) || ':' || hex(a), typeof(b) || ':' || coalesce(hex(b), ''), typeof(n) || ':' || n, typeof(r) || ':' || r, typeof(x) || ':' || hex(x) FROM t ORDER BY id").ToList();
        Assert.Equal(2 * Texts.Length, rows.Count);
        for (var i = 0; i < Texts.Length; i++)
            Assert.Equal(rows[Texts.Length + i] with { K = "" }, rows[i] with { K = "" });
        Assert.Equal("text:", rows[0].A); // '' stays '', not NULL
        Assert.Equal("blob:", rows[0].X); // and an empty blob stays empty
        Assert.Equal("null:", rows[0].B);
    }

    [Fact]
    public void Runs_in_the_connections_transaction_and_reports_what_failed()
    {
        using var temp = new TempFolder();
        using var connection = Open(temp);
        using var insert = new SqliteStatement(connection, "INSERT INTO t (k, x) VALUES (@k, x'') ON CONFLICT (k) DO NOTHING RETURNING id", "k");
        using var strict = new SqliteStatement(connection, "INSERT INTO t (k, x) VALUES (@k, x'')", "k");
        using (var tx = connection.BeginTransaction())
        {
            insert.Bind(0, "kept?");
            Assert.NotNull(insert.Run());
            tx.Rollback();
        }
        Assert.Equal(0, connection.ExecuteScalar<long>("SELECT count(*) FROM t"));

        insert.Bind(0, "once");
        Assert.Equal(1, insert.Run());
        insert.Bind(0, "once");
        Assert.Null(insert.Run()); // the conflict returns no row
        strict.Bind(0, "once");
        var error = Assert.Throws<SqliteException>(() => strict.Run());
        Assert.Contains("UNIQUE constraint failed: t.k", error.Message, StringComparison.Ordinal);
        strict.Bind(0, "after the error"); // the statement was reset and runs again
        Assert.Null(strict.Run());
        Assert.Equal(2, connection.ExecuteScalar<long>("SELECT count(*) FROM t"));

        var unknown = Assert.Throws<ArgumentException>(() => new SqliteStatement(connection, "SELECT @a", "b"));
        Assert.Contains("@b", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<SqliteException>(() => new SqliteStatement(connection, "SELEKT 1"));
    }
}
