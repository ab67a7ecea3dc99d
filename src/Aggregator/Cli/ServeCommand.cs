using System.CommandLine;
using Aggregator.Operations;
using Aggregator.Processing.Tagging;
using Aggregator.Publishing;
using Aggregator.Scheduling;
using Aggregator.Storage;

namespace Aggregator.Cli;

/// <summary>The service: HTTP on http://localhost:8080 unless --urls or ASPNETCORE_URLS say
/// otherwise, the scheduler importing documents at start and on its interval.</summary>
public static class ServeCommand
{
    public const string DefaultUrl = "http://localhost:8080";

    public static readonly Option<string?> Urls = new("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:9000 (also ASPNETCORE_URLS)" };

    public static Command Create()
    {
        var command = new Command("serve", "Run the service (the default when no verb is given).") { Urls };
        command.SetAction(RunAsync);
        return command;
    }

    public static async Task<int> RunAsync(ParseResult result, CancellationToken ct)
    {
        var paths = GlobalOptions.Paths(result);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = Environment.CurrentDirectory,
            Args = result.GetValue(Urls) is { } urls ? ["--urls", urls] : [],
        });
        try
        {
            AppServices.AddConfigFile(builder.Configuration, paths); // read at once: a file that is not JSON stops here
        }
        catch (InvalidDataException e)
        {
            await Console.Error.WriteLineAsync(CommandServices.NotJson(e));
            return CommandServices.ConfigurationError;
        }
        var (options, problems) = AppServices.Validate(builder.Configuration);
        if (!CommandServices.Report(problems))
            return CommandServices.ConfigurationError;
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);
        else if (builder.Configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                     .FirstOrDefault(u => !u.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) is { } bad)
        {
            // Kestrel's own answer to "127.0.0.1:9000" was a FormatException and its stack.
            await Console.Error.WriteLineAsync($"error: \"{bad}\" is not an address to listen on: give one such as http://127.0.0.1:9000 or http://0.0.0.0:9000 (--urls, or ASPNETCORE_URLS)");
            return CommandServices.ConfigurationError;
        }
        // A port in use is said below in one line; the host's own report of it is the exception's stack.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        builder.Services.AddAggregator(builder.Configuration, paths);
        // One line per event with a UTC timestamp; JSON (one object per line, the message's
        // fields as properties) with Logging__Console__FormatterName=json.
        // (Without a formatter name the console logger takes its settings from older options.)
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
            o.FormatterName ??= Microsoft.Extensions.Logging.Console.ConsoleFormatterNames.Simple);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        // SIGTERM: Quartz cancels running jobs and waits for them; each writes in transactions, so
        // this is time to finish a batch, not a cycle (`docker stop` waits 10 s by default; see README).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(25));
        // Roles (Aggregator:Cluster:Role): a web instance runs no jobs; a worker serves only its probes and metrics.
        if (options!.Scheduling.Enabled && options.Cluster.Works)
            builder.AddScheduling(options);

        await using var app = builder.Build();
        try
        {
            _ = app.Services.GetRequiredService<TopicCatalog>(); // a broken topics file stops the start, not a job later
            Aggregator.Mail.MailStartup.CheckRecipients(app.Services);
            var database = app.Services.GetRequiredService<Database>();
            await database.MigrateAsync(ct);
            app.Logger.LogInformation("Starting as {Role} on {Database} (node {Node})", options.Cluster.Role, database.Describe(), ClusterMembership.NodeId);
            if (options.Scheduling.Enabled && options.Cluster.Works
                && await app.Services.GetRequiredService<ClusterMembership>().ClockProblemAsync(ct) is { } clock)
            {
                // Before Quartz starts: its cluster check-ins are stamped with this node's clock,
                // and a node three minutes ahead declared the running ones dead at its first
                // check-in, so that their feeds were fetched a second time (an audit's finding).
                await Console.Error.WriteLineAsync($"error: this node does not start: {clock}");
                return 1;
            }
            if (options.Cluster.Works)
            {
                // Writes follow the rules: web instances leave that to the workers.
                await app.Services.GetRequiredService<Aggregator.Ingestion.Retagger>().RetagIfRulesChangedAsync(ct);
                await app.Services.GetRequiredService<Aggregator.Ingestion.StoryRebuilder>().RebuildIfChangedAsync(ct);
            }
            app.Logger.LogInformation("{Mail}", await Aggregator.Mail.MailStartup.PrepareAsync(app.Services, ct));
        }
        catch (InvalidDataException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return CommandServices.ConfigurationError;
        }
        catch (System.Data.Common.DbException e)
        {
            await Console.Error.WriteLineAsync($"error: cannot use the database {app.Services.GetRequiredService<Database>().Describe()}: {e.Message}");
            return 1;
        }
        // No response is to be read as another type than the one it says (an error that quotes
        // the request, a feed, /metrics), whatever a browser would guess from its content.
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        Operations.MetricsSetup.Use(app);
        app.MapHealth();
        if (options.Cluster.Serves)
        {
            app.MapFeeds();
            app.MapPages();
            Aggregator.Mail.UnsubscribeEndpoints.MapUnsubscribe(app);
        }
        try
        {
            await app.RunAsync(ct);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Most often another instance (or another program) on the same port.
            await Console.Error.WriteLineAsync($"error: {e.Message} (choose another with --urls, or ASPNETCORE_HTTP_PORTS)");
            return 1;
        }
        return 0;
    }
}
