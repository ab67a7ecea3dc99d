using Aggregator.Configuration;
using Aggregator.Fetching;
using Aggregator.Ingestion;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Aggregator;

/// <summary>Composition shared by every command: configuration, storage, pipeline.</summary>
public static class AppServices
{
    /// <summary>config/aggregator.json goes first, so environment variables and the command line override it.</summary>
    public const string ConfigFileName = "aggregator.json";

    public static void AddConfigFile(IConfigurationBuilder configuration, AppPaths paths)
    {
        var source = new JsonConfigurationSource
        {
            Path = ConfigFileName,
            Optional = true,
            ReloadOnChange = false,
            FileProvider = Directory.Exists(paths.ConfigDirectory) ? new PhysicalFileProvider(paths.ConfigDirectory) : null,
        };
        source.ResolveFileProvider();
        configuration.Sources.Insert(0, source);
    }

    /// <summary>Binds and checks the options tree; the messages name the offending key.</summary>
    public static (AggregatorOptions? Options, IReadOnlyList<string> Problems) Validate(IConfiguration configuration)
    {
        var unknown = UnknownSettings.Problems(configuration).ToList();
        if (unknown.Count > 0)
            return (null, unknown);
        try
        {
            var options = SecretFiles.Section(configuration).Get<AggregatorOptions>(Strict) ?? new AggregatorOptions();
            var problems = AggregatorOptionsValidator.Problems(options);
            problems.AddRange(SecretFiles.Problems(configuration));
            return (options, problems);
        }
        catch (InvalidOperationException e)
        {
            return (null, [e.Message]);
        }
    }

    public static IServiceCollection AddAggregator(this IServiceCollection services, IConfiguration configuration, AppPaths paths)
    {
        services.AddSingleton(paths);
        services.AddSingleton(TimeProvider.System);
        var section = SecretFiles.Section(configuration);
        services.AddOptions<AggregatorOptions>().Bind(section, Strict);
        services.AddSingleton<Database>();
        services.AddSingleton<ItemStore>();
        services.AddSingleton<ItemQueries>();
        services.AddSingleton<SearchIndex>();
        services.AddSingleton<ItemRemoval>();
        services.AddSingleton<TopicCatalog>();
        services.AddSingleton<DocumentIngestor>();
        services.AddSingleton<FeedStore>();
        services.AddSingleton<TagStore>();
        services.AddSingleton<SettingsStore>();
        services.AddSingleton<Retagger>();
        services.AddSingleton<StoryRebuilder>();
        services.AddSingleton<FeedFetcher>();
        services.AddSingleton<SubscriptionsFile>();
        services.AddSingleton<OriginalPages>();
        services.AddSingleton<FeedIngestor>();
        services.AddSingleton<Scheduling.ClusterMembership>();
        services.AddSingleton<Publishing.RenderCache>();
        services.AddSingleton<Publishing.FeedRenderer>();
        services.AddSingleton<Publishing.PageRenderer>();
        services.AddSingleton<Operations.StoredStateMetrics>();
        services.AddSingleton<Mail.Outbox>();
        services.AddSingleton<Mail.MailDelivery>();
        services.AddSingleton<Mail.MailPlanner>();
        services.AddSingleton<Mail.UnsubscribeLinks>();
        Publishing.WebSubPublisher.Configure(services);
        FeedFetcher.Configure(services, section.Get<AggregatorOptions>()?.Fetching ?? new FetchingOptions());
        return services;
    }

    private static void Strict(BinderOptions o) => o.ErrorOnUnknownConfiguration = true;
}
