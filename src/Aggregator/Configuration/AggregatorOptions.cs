namespace Aggregator.Configuration;

/// <summary>The one options tree, bound from the "Aggregator" section of config/aggregator.json
/// and overridden by environment variables (Aggregator__Storage__Provider, ...).</summary>
public sealed class AggregatorOptions
{
    public const string SectionName = "Aggregator";

    public StorageOptions Storage { get; set; } = new();
    public SourcesOptions Sources { get; set; } = new();
    public SchedulingOptions Scheduling { get; set; } = new();
    public TaggingOptions Tagging { get; set; } = new();
    public PublishingOptions Publishing { get; set; } = new();
    public FetchingOptions Fetching { get; set; } = new();
}

public sealed class FetchingOptions
{
    public int ConnectTimeoutSeconds { get; set; } = 10;
    public int TimeoutSeconds { get; set; } = 30;
    /// <summary>Enforced on the decompressed body while reading it.</summary>
    public int MaxBodyBytes { get; set; } = 10 * 1024 * 1024;
    public int MaxConcurrency { get; set; } = 8;
    public int MaxPerHost { get; set; } = 2;
    public int MaxRedirects { get; set; } = 5;
}

public sealed class StorageOptions
{
    /// <summary>"sqlite" (embedded, the default). PostgreSQL arrives with clustering.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Empty means a file aggregator.db inside the data folder.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class SourcesOptions
{
    /// <summary>Folders of local documents (.txt, .md, .html) imported on every cycle,
    /// relative to the working directory.</summary>
    public List<string> DocumentFolders { get; set; } = [];

    /// <summary>OPML subscriptions in the config folder, imported whenever the file changes.</summary>
    public string SubscriptionsFile { get; set; } = "feeds.opml";

    /// <summary>Documents larger than this are refused with an error naming the file.</summary>
    public int MaxDocumentBytes { get; set; } = 5 * 1024 * 1024;
}

public sealed class SchedulingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How often the document folders are scanned for new or changed files.</summary>
    public int ImportIntervalMinutes { get; set; } = 15;

    /// <summary>Bounds of each feed's adaptive poll interval.</summary>
    public int MinPollMinutes { get; set; } = 5;
    public int MaxPollMinutes { get; set; } = 24 * 60;

    /// <summary>How often the scheduler looks for due feeds; at most a minute, so short intervals happen.</summary>
    public int PollTickSeconds { get; set; } = 60;
}

public sealed class TaggingOptions
{
    /// <summary>Topic rules, relative to the config folder.</summary>
    public string TopicsFile { get; set; } = "topics.json";
}

public sealed class PublishingOptions
{
    public string Title { get; set; } = "Aggregator";

    /// <summary>Absolute URL under which the service is reachable, for self links.
    /// Empty: taken from each request.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>RFC 4151 tag URI authority and date, e.g. "example.org,2026".</summary>
    public string IdAuthority { get; set; } = "aggregator.localhost,2026";

    /// <summary>Entries per feed page (RFC 5005 paging links lead to the rest).</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>Cache-Control max-age of feeds and pages: how long readers and proxies may reuse one.</summary>
    public int MaxAgeSeconds { get; set; } = 300;

    /// <summary>A WebSub hub (https://www.w3.org/TR/websub/): advertised with rel="hub" in every
    /// feed and notified when new items land. Needs BaseUrl, so the hub can fetch the feeds.</summary>
    public string? HubUrl { get; set; }

    /// <summary>Memory the rendered feeds and pages may hold (identity and compressed).</summary>
    public int CacheMegabytes { get; set; } = 64;
}
