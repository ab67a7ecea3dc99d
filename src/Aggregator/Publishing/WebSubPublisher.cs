using System.Threading.Channels;
using Aggregator.Configuration;
using Aggregator.Fetching;
using Aggregator.Storage;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Aggregator.Publishing;

/// <summary>WebSub publisher (https://www.w3.org/TR/websub/ §7; the ping is the de-facto
/// hub.mode=publish form hubs accept): when new items land, tells the configured hub which feeds
/// changed, so subscribers get them pushed instead of waiting for their next poll. Pings for one
/// burst of ingestion are coalesced; a failed ping is retried with backoff, then logged.</summary>
public sealed class WebSubPublisher(IHttpClientFactory clients, ItemQueries queries, TimeProvider time,
    Processing.Tagging.TopicCatalog topics, IOptions<AggregatorOptions> options, ILogger<WebSubPublisher> logger) : BackgroundService
{
    public const string ClientName = "websub";
    private static readonly TimeSpan Coalesce = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private DateTime _since = time.GetUtcNow().UtcDateTime;
    private volatile bool _everyTag;

    private PublishingOptions Options => options.Value.Publishing;
    public bool Enabled => !string.IsNullOrEmpty(Options.HubUrl) && !string.IsNullOrEmpty(Options.BaseUrl);

    /// <summary>Ingestion stored or changed items: ping the hub soon.</summary>
    public void ItemsLanded()
    {
        if (Enabled) _signals.Writer.TryWrite(true);
    }

    /// <summary>Tags were recomputed (new topic rules): items left and joined tag feeds without
    /// changing themselves, so every tag's feeds are pinged.</summary>
    public void TagsRecomputed()
    {
        if (!Enabled) return;
        _everyTag = true;
        _signals.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        logger.LogInformation("WebSub: notifying {Hub} when feeds change", Options.HubUrl);
        while (await _signals.Reader.WaitToReadAsync(stoppingToken))
        {
            _signals.Reader.TryRead(out _);
            await Task.Delay(Coalesce, time, stoppingToken);
            var since = _since;
            _since = time.GetUtcNow().UtcDateTime;
            if (_everyTag)
            {
                _everyTag = false;
                await PublishEveryTagAsync(stoppingToken);
            }
            else await PublishChangesAsync(since, stoppingToken);
        }
    }

    /// <summary>Pings the hub for every feed with items changed at or after <paramref name="since"/>:
    /// the merged feeds and the feeds of the changed items' tags, in each format. Returns the topics pinged.</summary>
    public async Task<IReadOnlyList<string>> PublishChangesAsync(DateTime since, CancellationToken ct)
    {
        if (!Enabled) return [];
        var tags = await queries.TagsChangedSinceAsync(since, ct);
        return tags is null ? [] : await PingAsync(tags, ct);
    }

    /// <summary>Pings the hub for the merged feeds and every tag's, after a retag: an item that
    /// lost a tag is not in that tag's feed any more, which no change to the item shows.</summary>
    public async Task<IReadOnlyList<string>> PublishEveryTagAsync(CancellationToken ct) =>
        Enabled ? await PingAsync(topics.Topics.SelectMany(t => t.Rule.Subtags.Prepend(t.Rule.Tag)).ToList(), ct) : [];

    private async Task<IReadOnlyList<string>> PingAsync(IReadOnlyList<string> tags, CancellationToken ct)
    {
        var baseUrl = new Uri(Options.BaseUrl!.TrimEnd('/') + "/");
        var topics = tags.Select(t => (string?)t).Prepend(null)
            .SelectMany(tag => FeedEndpoints.Formats.Select(format => new FeedAddress(baseUrl, tag, format, "").PageUrl(1).AbsoluteUri))
            .ToList();
        var pinged = new List<string>();
        foreach (var topic in topics)
        {
            try
            {
                await Retry.ExecuteAsync(async token => await PingAsync(topic, token), ct);
                pinged.Add(topic);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                logger.LogWarning("WebSub: the hub {Hub} was not told about {Topic}: {Reason}", Options.HubUrl, topic, e.Message);
            }
        }
        logger.LogInformation("WebSub: told {Hub} about {Count} changed feed(s)", Options.HubUrl, pinged.Count);
        return pinged;
    }

    private async Task PingAsync(string topic, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await clients.CreateClient(ClientName).PostAsync(Options.HubUrl,
            new FormUrlEncodedContent([new("hub.mode", "publish"), new("hub.url", topic)]), timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"the hub answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
    }

    /// <summary>Connection failures, timeouts, 429 and 5xx are worth another try; other 4xx are not.</summary>
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromSeconds(1),
            UseJitter = true,
            ShouldHandle = new PredicateBuilder()
                .Handle<HttpRequestException>(e => e.StatusCode is null || (int)e.StatusCode >= 500 || (int)e.StatusCode == 429)
                .Handle<TaskCanceledException>()
                .Handle<TimeoutException>(),
        })
        .Build();

    public static void Configure(IServiceCollection services)
    {
        services.AddHttpClient(ClientName, c => c.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent.Value));
        services.AddSingleton<WebSubPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebSubPublisher>());
    }
}
