using Aggregator.Fetching;
using Aggregator.Ingestion;
using Prometheus;

namespace Aggregator.Operations;

/// <summary>The service's counters and histograms, exported at /metrics in Prometheus text
/// format by prometheus-net. The pipeline reports what it did through these few calls; the
/// stored state (feeds by state, items, stories, tags, the outbox) is read from the database
/// at scrape time instead (StoredStateMetrics), so it is right even across restarts.</summary>
public static class Telemetry
{
    private static readonly Counter Fetches = Metrics.CreateCounter("aggregator_fetches_total",
        "Feed fetches by result: ok, not_modified, gone, failed.", "result");

    private static readonly Histogram FetchDuration = Metrics.CreateHistogram("aggregator_fetch_duration_seconds",
        "Time of one feed fetch, body included.",
        new HistogramConfiguration { Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    private static readonly Counter Ingested = Metrics.CreateCounter("aggregator_items_ingested_total",
        "Entries and documents ingested, by source kind and outcome: inserted (new content), sighted (a duplicate of stored content), updated, unchanged.",
        "source", "outcome");

    private static readonly Histogram CycleDuration = Metrics.CreateHistogram("aggregator_cycle_duration_seconds",
        "Time of one poll cycle (every due feed) or one document import.",
        new HistogramConfiguration { LabelNames = ["kind"], Buckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });

    private static readonly Counter Mail = Metrics.CreateCounter("aggregator_emails_total",
        "Emails by event: queued (stored in the outbox), sent (accepted by the server), retried (a transient failure), failed, withdrawn (it carried a story since removed).", "event", "kind");

    private static readonly Gauge JobSucceeded = Metrics.CreateGauge("aggregator_job_last_success_timestamp_seconds",
        "When each scheduled job last ran to its end (Unix time): poll, import, search, retention, mail, digest. An alert on its age catches a service that runs but gets nothing done (a full disk, a database gone).",
        "job");

    private static readonly Counter JobFailed = Metrics.CreateCounter("aggregator_job_failures_total",
        "Scheduled job runs that stopped on an error, by job and cause: database (unreachable, full, locked, read-only), error (anything else).",
        "job", "cause");

    public static void JobRan(string job) => JobSucceeded.WithLabels(job).SetToCurrentTimeUtc();

    public static void JobFailedOn(string job, string cause) => JobFailed.WithLabels(job, cause).Inc();

    public static void Fetched(FetchResult fetch)
    {
        Fetches.WithLabels(fetch.Outcome switch
        {
            FetchOutcome.Ok => "ok",
            FetchOutcome.NotModified => "not_modified",
            FetchOutcome.Gone => "gone",
            _ => "failed",
        }).Inc();
        FetchDuration.Observe(fetch.Elapsed.TotalSeconds);
    }

    public static void Polled(PollSummary summary, TimeSpan elapsed)
    {
        Count("feed", summary.Inserted, summary.Sighted, summary.Updated, summary.Unchanged);
        if (summary.Feeds > 0) CycleDuration.WithLabels("poll").Observe(elapsed.TotalSeconds);
    }

    public static void Imported(ImportSummary summary, TimeSpan elapsed)
    {
        Count("document", summary.Inserted, summary.Sighted, summary.Updated, summary.Unchanged);
        CycleDuration.WithLabels("import").Observe(elapsed.TotalSeconds);
    }

    public static void Emailed(string @event, string kind, int count = 1)
    {
        if (count > 0) Mail.WithLabels(@event, kind).Inc(count);
    }

    private static void Count(string source, int inserted, int sighted, int updated, int unchanged)
    {
        Ingested.WithLabels(source, "inserted").Inc(inserted);
        Ingested.WithLabels(source, "sighted").Inc(sighted);
        Ingested.WithLabels(source, "updated").Inc(updated);
        Ingested.WithLabels(source, "unchanged").Inc(unchanged);
    }
}
