using Npgsql;

namespace Aggregator.Tests.TestSupport;

/// <summary>The databases every storage and pipeline test runs on: each such test class is
/// abstract over a Backend, with one concrete class per database.</summary>
public enum Backend { Sqlite, Postgres }

/// <summary>The PostgreSQL server .ci/run starts (.ci/postgres.sh), named by
/// AGGREGATOR_TEST_POSTGRES (a connection string to its maintenance database). Each test gets a
/// database of its own, dropped afterwards. Without the variable a test skips on a developer's
/// machine and fails under CI=true.</summary>
public static class TestPostgres
{
    public const string Variable = "AGGREGATOR_TEST_POSTGRES";
    private static int _counter;

    public static string Admin
    {
        get
        {
            var admin = Environment.GetEnvironmentVariable(Variable);
            RequiredTool.Require(!string.IsNullOrWhiteSpace(admin), $"PostgreSQL ({Variable}, started by .ci/postgres.sh)");
            return admin!;
        }
    }

    /// <summary>A new empty database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{DateTime.UtcNow:HHmmssfff}";
        await using (var connection = new NpgsqlConnection(Admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Admin) { Database = name }.ToString();
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Environment variables that point a service process at a new database of its own
    /// on PostgreSQL (nothing on SQLite: the data folder holds its file). The database stays until
    /// the throwaway server is stopped.</summary>
    public static async Task<Dictionary<string, string>> EnvironmentAsync(Backend backend) => backend == Backend.Sqlite ? [] : new()
    {
        ["Aggregator__Storage__Provider"] = "postgres",
        ["Aggregator__Storage__ConnectionString"] = await CreateDatabaseAsync(),
    };

    /// <summary>A connection to the database a process ran with <paramref name="env"/> uses:
    /// its PostgreSQL database, or the SQLite file in its data folder.</summary>
    public static async Task<System.Data.Common.DbConnection> OpenAsync(IReadOnlyDictionary<string, string> env, string dataDirectory)
    {
        System.Data.Common.DbConnection connection = env.TryGetValue("Aggregator__Storage__ConnectionString", out var postgres)
            ? new NpgsqlConnection(postgres)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "aggregator.db")};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Settings that point the service at a new database of its own.</summary>
    public static async Task<Dictionary<string, string?>> SettingsAsync(string prefix = "Aggregator:Storage:") => new()
    {
        [prefix + "Provider"] = "postgres",
        [prefix + "ConnectionString"] = await CreateDatabaseAsync(),
    };
}
