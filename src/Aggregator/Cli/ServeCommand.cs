using System.CommandLine;
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
        AppServices.AddConfigFile(builder.Configuration, paths);
        var (options, problems) = AppServices.Validate(builder.Configuration);
        if (!CommandServices.Report(problems))
            return CommandServices.ConfigurationError;
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);

        builder.Services.AddAggregator(builder.Configuration, paths);
        if (options!.Scheduling.Enabled)
            builder.AddScheduling(options);

        await using var app = builder.Build();
        try
        {
            _ = app.Services.GetRequiredService<TopicCatalog>(); // a broken topics file stops the start, not a job later
            Aggregator.Mail.MailStartup.CheckRecipients(app.Services);
            await app.Services.GetRequiredService<Database>().MigrateAsync(ct);
            await app.Services.GetRequiredService<Aggregator.Ingestion.Retagger>().RetagIfRulesChangedAsync(ct);
            await app.Services.GetRequiredService<Aggregator.Ingestion.StoryRebuilder>().RebuildIfChangedAsync(ct);
            app.Logger.LogInformation("{Mail}", await Aggregator.Mail.MailStartup.PrepareAsync(app.Services, ct));
        }
        catch (InvalidDataException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return CommandServices.ConfigurationError;
        }
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapFeeds();
        app.MapPages();
        Aggregator.Mail.UnsubscribeEndpoints.MapUnsubscribe(app);
        await app.RunAsync(ct);
        return 0;
    }
}
