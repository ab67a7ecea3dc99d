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

    /// <summary>Documents larger than this are refused with an error naming the file.</summary>
    public int MaxDocumentBytes { get; set; } = 5 * 1024 * 1024;
}

public sealed class SchedulingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How often the document folders are scanned for new or changed files.</summary>
    public int ImportIntervalMinutes { get; set; } = 15;
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

    public int PageSize { get; set; } = 50;
}
