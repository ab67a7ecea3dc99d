using Aggregator.Configuration;
using Aggregator.Storage;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Tests.TestSupport;

/// <summary>The production composition over a real SQLite file in a temp folder, or a new
/// database of its own on the test PostgreSQL server, with the repository's topic rules.</summary>
public sealed class TestServices : IAsyncDisposable
{
    public TempFolder Temp { get; } = new();
    public ServiceProvider Provider { get; private set; }
    public string DataDirectory { get; }
    private readonly IDictionary<string, string?> settings;

    private TestServices(IDictionary<string, string?> settings, string? dataDirectory)
    {
        DataDirectory = dataDirectory ?? Temp.Sub("data");
        this.settings = settings;
        Provider = Build();
    }

    private ServiceProvider Build() => new ServiceCollection()
        .AddLogging()
        .AddAggregator(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), new AppPaths(RepoPaths.Config, DataDirectory))
        .BuildServiceProvider();

    /// <summary>A new process's view of the same data folder: nothing kept in memory survives.</summary>
    public async Task RestartAsync()
    {
        await Provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Provider = Build();
        await Get<Database>().MigrateAsync(CancellationToken.None);
    }

    /// <summary>A restart with some settings changed, as an operator edits the configuration.</summary>
    public async Task RestartAsync(params (string Key, string? Value)[] changes)
    {
        foreach (var (key, value) in changes) settings[key] = value;
        await RestartAsync();
    }

    /// <summary>Another instance over the same data, alive beside this one, as another process
    /// would be: what either keeps in memory, the other does not see. The caller disposes it.</summary>
    public ServiceProvider AnotherInstance() => Build();

    public Backend Backend { get; private init; }

    /// <param name="dataDirectory">An existing data folder (the caller's) instead of a new empty one.</param>
    public static async Task<TestServices> StartAsync(Backend backend, IDictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (backend == Backend.Postgres)
            foreach (var (key, value) in await TestPostgres.SettingsAsync())
                all[key] = value;
        var services = new TestServices(all, dataDirectory) { Backend = backend };
        await services.Get<Database>().MigrateAsync(CancellationToken.None);
        return services;
    }

    public T Get<T>() where T : notnull => Provider.GetRequiredService<T>();

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await Get<Database>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException(sql);
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await Get<Database>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteAsync(sql);
    }

    public async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = await Get<Database>().OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync(sql)).Select(r => string.Join("|", ((IDictionary<string, object>)r).Values)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Backend == Backend.Postgres && settings.TryGetValue("Aggregator:Storage:ConnectionString", out var connectionString))
            await TestPostgres.DropDatabaseAsync(connectionString!);
        Temp.Dispose();
    }
}
