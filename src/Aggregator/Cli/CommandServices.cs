using System.CommandLine;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;

namespace Aggregator.Cli;

/// <summary>The services of a one-shot command: configuration checked, database migrated.
/// A configuration problem ends the program with exit code 2 and a message naming the key.</summary>
public static class CommandServices
{
    public const int ConfigurationError = 2;

    /// <summary>A config file that is not JSON (a trailing comma, an empty file), in one line
    /// naming the file and where the reader stopped, not a stack trace.</summary>
    public static string NotJson(InvalidDataException e) =>
        $"configuration error: {e.Message} {(e.GetBaseException() is { } inner && inner != e ? inner.Message : "")}".TrimEnd();

    /// <param name="existing">The command reads what is stored (items, feeds list, export, backup): a
    /// SQLite database that does not exist is an error naming where it was looked for. Run from
    /// another directory (cron starts in $HOME), such commands made an empty database there and
    /// said there were no subscriptions.</param>
    public static async Task<(ServiceProvider? Services, int ExitCode)> StartAsync(ParseResult result, CancellationToken ct, bool migrate = true, bool existing = false)
    {
        var paths = GlobalOptions.Paths(result);
        var builder = new ConfigurationBuilder().AddEnvironmentVariables();
        AppServices.AddConfigFile(builder, paths);
        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (InvalidDataException e)
        {
            // Not JSON (a trailing comma, an empty file): one line naming the file, not a stack trace.
            await Console.Error.WriteLineAsync(CommandServices.NotJson(e));
            return (null, ConfigurationError);
        }
        var (options, problems) = AppServices.Validate(configuration);
        if (!Report(problems))
            return (null, ConfigurationError);
        // Where SQLite keeps it: the data folder's file, or the file a configured connection string
        // names. A data folder that is a file is said below, by the database.
        var file = options is null ? null : Database.SqliteFile(options, paths);
        var isNew = file is not null && !File.Exists(file) && !File.Exists(paths.DataDirectory);
        if (existing && isNew)
        {
            await Console.Error.WriteLineAsync($"error: there is no database at {file}: nothing has been stored there. "
                + $"--data (default: data) is relative to the working directory, here {Environment.CurrentDirectory}; give the data folder the service uses.");
            return (null, ConfigurationError);
        }

        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
            .AddAggregator(configuration, paths)
            .BuildServiceProvider();
        try
        {
            _ = services.GetRequiredService<Database>(); // creates the data folder: a --data that cannot be one stops here
            _ = services.GetRequiredService<TopicCatalog>(); // a broken topics file stops here, naming the file
            Mail.MailStartup.CheckRecipients(services);
            if (migrate) await services.GetRequiredService<Database>().MigrateAsync(ct);
            if (isNew)
                await Console.Error.WriteLineAsync($"note: a new database was made at {file} (--data is relative to the working directory)");
            return (services, 0);
        }
        catch (InvalidDataException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            await services.DisposeAsync();
            return (null, ConfigurationError);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: the data folder {paths.DataDirectory} cannot be used: {e.Message}");
            await services.DisposeAsync();
            return (null, ConfigurationError);
        }
        catch (System.Data.Common.DbException e)
        {
            await Console.Error.WriteLineAsync($"error: cannot use the database {services.GetRequiredService<Database>().Describe()}: {e.Message}");
            await services.DisposeAsync();
            return (null, 1);
        }
    }

    /// <summary>Runs a command's action with the services, disposing them after.</summary>
    public static async Task<int> RunAsync(ParseResult result, Func<IServiceProvider, Task<int>> action, CancellationToken ct, bool existing = false)
    {
        var (services, exit) = await StartAsync(result, ct, existing: existing);
        if (services is null) return exit;
        await using (services)
        {
            try
            {
                return await action(services);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
            {
                // Another process held the database's write lock past the busy timeout: a stack trace
                // said nothing of that. Each write is one transaction, so nothing was half-written.
                await Console.Error.WriteLineAsync($"error: the database {services.GetRequiredService<Database>().Describe()} stayed locked by another process "
                    + "(another aggregator command, a backup, or a sqlite3 shell inside a transaction) for longer than 30 s; nothing was half-written; try again");
                return DatabaseBusy;
            }
            catch (System.Data.Common.DbException e)
            {
                await Console.Error.WriteLineAsync($"error: the database {services.GetRequiredService<Database>().Describe()}: {e.Message}");
                return 1;
            }
        }
    }

    /// <summary>The exit code of a command that found the database locked: sysexits' EX_TEMPFAIL,
    /// "try again later", which cron wrappers know.</summary>
    public const int DatabaseBusy = 75;

    /// <summary>The topic rules alone, for commands that read no database (tag, eval): the
    /// same configuration and checks, nothing created in the data folder.</summary>
    public static (TopicCatalog? Topics, int ExitCode) Topics(ParseResult result)
    {
        var paths = GlobalOptions.Paths(result);
        var builder = new ConfigurationBuilder().AddEnvironmentVariables();
        AppServices.AddConfigFile(builder, paths);
        var (options, problems) = AppServices.Validate(builder.Build());
        if (!Report(problems) || options is null)
            return (null, ConfigurationError);
        try
        {
            return (new TopicCatalog(paths, Microsoft.Extensions.Options.Options.Create(options)), 0);
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return (null, ConfigurationError);
        }
    }

    /// <summary>Prints configuration problems to stderr; true when there are none.</summary>
    public static bool Report(IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
            Console.Error.WriteLine($"configuration error: {problem}");
        return problems.Count == 0;
    }
}
