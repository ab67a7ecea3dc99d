using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aggregator.Storage;

/// <summary>A statement prepared on SQLite's own handle of an open connection, run in whatever
/// transaction the connection is in: for the writer's inserts, executed once per row. Through
/// Microsoft.Data.Sqlite every execution builds a data reader, a binder per parameter and a
/// UTF-8 array per string; storing a cold cycle's 45,000 items spent most of its allocation
/// there (docs/benchmarks.md). Text is bound as the UTF-8 of Encoding.UTF8, as
/// Microsoft.Data.Sqlite binds it, so the stored bytes are the same.</summary>
/// <remarks>Parameters keep their names in the SQL (@name) and are bound by their position in
/// the names given. Not thread-safe, like the connection.</remarks>
public sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _indexes;
    private byte[] _utf8 = new byte[4096];

    public SqliteStatement(DbConnection connection, string sql, params string[] names)
    {
        _db = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        _indexes = new int[names.Length];
        for (var i = 0; i < names.Length; i++)
            _indexes[i] = raw.sqlite3_bind_parameter_index(_statement, "@" + names[i]) is > 0 and var index ? index
                : throw new ArgumentException($"the statement has no parameter @{names[i]}", nameof(names));
    }

    public void Bind(int parameter, string? value)
    {
        var index = _indexes[parameter];
        if (value is null) { Check(raw.sqlite3_bind_null(_statement, index)); return; }
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < most) _utf8 = new byte[most];
        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length))); // SQLite copies it (SQLITE_TRANSIENT)
    }

    public void Bind(int parameter, long value) => Check(raw.sqlite3_bind_int64(_statement, _indexes[parameter], value));

    public void Bind(int parameter, double value) => Check(raw.sqlite3_bind_double(_statement, _indexes[parameter], value));

    /// <remarks>An empty text or blob stays empty, not NULL (SqliteStatementTests holds SQLitePCL to that).</remarks>
    public void Bind(int parameter, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, _indexes[parameter], value));

    /// <summary>Runs the statement with the values bound; the first column of the first row it
    /// returns as an integer (RETURNING id), or null when it returns none.</summary>
    public long? Run()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            long? first = null;
            if (rc == raw.SQLITE_ROW)
            {
                first = raw.sqlite3_column_int64(_statement, 0);
                while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW) { }
            }
            if (rc != raw.SQLITE_DONE) Check(rc);
            return first;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose() => _statement.Dispose();
}
