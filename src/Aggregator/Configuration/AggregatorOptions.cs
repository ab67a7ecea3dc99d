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
    public MailOptions Mail { get; set; } = new();
    public ClusterOptions Cluster { get; set; } = new();
    public RetentionOptions Retention { get; set; } = new();
}

/// <summary>How long stories are kept (Storage/ItemRemoval). By default everything is kept: an
/// archive of the coverage is what many of its readers run this for.</summary>
public sealed class RetentionOptions
{
    /// <summary>Stories all of whose items were first seen and last changed more than this many days ago are removed,
    /// hourly by the service and at the end of `run-once`; 0 keeps every story.</summary>
    public int Days { get; set; }

    /// <summary>A story with a tagged item (what the topic rules are there to find) is kept
    /// whatever its age; false lets tagged stories go after Days too.</summary>
    public bool KeepTagged { get; set; } = true;

    /// <summary>Items first seen before this are old enough to go.</summary>
    public DateTime Cutoff(DateTime now) => now.AddDays(-Days);
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
    /// <summary>"sqlite" (embedded, the default) or "postgres" (several instances share one database).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>SQLite: empty means a file aggregator.db inside the data folder. PostgreSQL: an
    /// Npgsql connection string (Host=…;Port=…;Database=…;Username=…), required; its password
    /// belongs in ConnectionString_FILE or the environment.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>Several instances over one PostgreSQL database (docs/clustering.md).</summary>
public sealed class ClusterOptions
{
    /// <summary>"both" (the default), "web" (serves the feeds and pages, runs no jobs) or
    /// "worker" (polls, imports and sends mail; serves only /healthz, /readyz and /metrics).</summary>
    public string Role { get; set; } = "both";

    /// <summary>How often a worker tells the cluster it is alive (Quartz's check-in). A worker
    /// silent for about this long plus the same again is declared dead, and its jobs and claims
    /// are taken over by the others.</summary>
    public double CheckinIntervalSeconds { get; set; } = 7.5;

    public bool Serves => Role is "both" or "web";
    public bool Works => Role is "both" or "worker";
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

    /// <summary>Block rules every feed's entries are matched against, besides the feed's own
    /// (Processing/EntryRules.cs): photo-only posts, obituaries, horoscopes, whoever carries them.</summary>
    public List<string> BlockRules { get; set; } = [];
}

public sealed class SchedulingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How often the document folders are scanned for new or changed files.</summary>
    public int ImportIntervalMinutes { get; set; } = 15;

    /// <summary>Bounds of each feed's adaptive poll interval.</summary>
    public int MinPollMinutes { get; set; } = 5;
    public int MaxPollMinutes { get; set; } = 24 * 60;

    /// <summary>The longest any bound may be, configured or a feed's own: a week.</summary>
    public const int LongestPollMinutes = 7 * 24 * 60;

    /// <summary>How often the scheduler looks for due feeds; at most a minute, so short intervals happen.</summary>
    public int PollTickSeconds { get; set; } = 60;

    /// <summary>How often what was stored or edited since is indexed for search (searches read it whole until then).</summary>
    public int SearchIndexSeconds { get; set; } = 60;

    /// <summary>How long a claim on a feed holds unless renewed: a poller renews its claims every
    /// third of this while its cycle runs, so only a poller that died loses them, after this long.</summary>
    public int ClaimLeaseSeconds { get; set; } = 600;
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

/// <summary>Email alerts and digests. Mail is on when an SMTP host or a pickup folder is set.</summary>
public sealed class MailOptions
{
    /// <summary>The sender, e.g. "Korea–China monitor &lt;monitor@example.org&gt;".</summary>
    public string From { get; set; } = "";
    public string? ReplyTo { get; set; }
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Development: write each message as an .eml file into this folder instead of sending it.</summary>
    public string? PickupDirectory { get; set; }

    public List<RecipientOptions> Recipients { get; set; } = [];

    /// <summary>At most one alert per recipient per window; stories arriving inside it wait for the next.</summary>
    public int AlertWindowSeconds { get; set; } = 300;

    /// <summary>Stories dated longer ago than this when they arrive (a new feed's backlog) are left to digests.</summary>
    public int AlertMaxAgeHours { get; set; } = 48;

    /// <summary>How often the service looks for new stories to alert and for messages to send.</summary>
    public int TickSeconds { get; set; } = 15;

    /// <summary>Transient failures retry after RetryBaseSeconds × 2^(attempt−1), at most RetryMaxSeconds apart,
    /// until MaxAttempts; then the message is marked failed.</summary>
    public int RetryBaseSeconds { get; set; } = 30;
    public int RetryMaxSeconds { get; set; } = 3600;
    public int MaxAttempts { get; set; } = 20;

    public bool Enabled => !string.IsNullOrWhiteSpace(Smtp.Host) || !string.IsNullOrWhiteSpace(PickupDirectory);
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    /// <summary>0: the security mode's usual port (25 for none, 587 for STARTTLS, 465 for TLS).</summary>
    public int Port { get; set; }
    /// <summary>"none", "starttls" or "tls" (implicit TLS).</summary>
    public string Security { get; set; } = "starttls";
    public string? User { get; set; }
    /// <summary>Only from the environment (Aggregator__Mail__Smtp__Password) or a file it names
    /// (Aggregator__Mail__Smtp__Password_FILE): config/aggregator.json may not hold it.</summary>
    public string? Password { get; set; }
    public int TimeoutSeconds { get; set; } = 30;
}

public sealed class RecipientOptions
{
    public string Address { get; set; } = "";
    /// <summary>The topics (tags) this recipient follows.</summary>
    public List<string> Tags { get; set; } = [];
    /// <summary>"alert", "digest" or "both".</summary>
    public string Mode { get; set; } = "digest";
    /// <summary>Cron: five fields as in crontab ("0 7 * * *") or Quartz's six or seven.</summary>
    public string DigestCron { get; set; } = "0 7 * * *";
    /// <summary>IANA time zone of the cron schedule and of the dates in digests.</summary>
    public string TimeZone { get; set; } = "UTC";
}
