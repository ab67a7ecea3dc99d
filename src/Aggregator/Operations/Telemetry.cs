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
    /// <summary>Whether the metrics are kept: by the service, which exports them. A one-shot
    /// command (run-once, import) has nothing to export them to, and prometheus-net checks each
    /// metric's name with compiled regular expressions when it is made, which a warm run-once
    /// paid for at start.</summary>
    public static bool Exported { get; private set; }

    /// <summary>Keeps the metrics from now on (MetricsSetup, when /metrics is mapped), each made
    /// at once so that a scrape lists it before its first event.</summary>
    public static void Export()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Kept).TypeHandle);
        Exported = true;
    }

    /// <summary>The metrics themselves, made when first used (only once exported).</summary>
    private static class Kept
    {
        public static readonly Counter Fetches = Metrics.CreateCounter("aggregator_fetches_total",
            "Feed fetches by result: ok, not_modified, gone, failed.", "result");

        public static readonly Histogram FetchDuration = Metrics.CreateHistogram("aggregator_fetch_duration_seconds",
            "Time of one feed fetch, body included.",
            new HistogramConfiguration { Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

        public static readonly Counter Ingested = Metrics.CreateCounter("aggregator_items_ingested_total",
            "Entries and documents ingested, by source kind and outcome: inserted (new content), sighted (a duplicate of stored content), updated, unchanged.",
            "source", "outcome");

        public static readonly Histogram CycleDuration = Metrics.CreateHistogram("aggregator_cycle_duration_seconds",
            "Time of one poll cycle (every due feed) or one document import.",
            new HistogramConfiguration { LabelNames = ["kind"], Buckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });

        public static readonly Counter Mail = Metrics.CreateCounter("aggregator_emails_total",
            "Emails by event: queued (stored in the outbox), sent (accepted by the server), retried (a transient failure), failed, withdrawn (it carried a story since removed).", "event", "kind");

        public static readonly Gauge JobSucceeded = Metrics.CreateGauge("aggregator_job_last_success_timestamp_seconds",
            "When each scheduled job last ran to its end (Unix time): poll, import, search, retention, mail, digest. An alert on its age catches a service that runs but gets nothing done (a full disk, a database gone).",
            "job");

        public static readonly Counter JobFailed = Metrics.CreateCounter("aggregator_job_failures_total",
            "Scheduled job runs that stopped on an error, by job and cause: database (unreachable, full, locked, read-only), error (anything else).",
            "job", "cause");
    }

    public static void JobRan(string job)
    {
        if (Exported) Kept.JobSucceeded.WithLabels(job).SetToCurrentTimeUtc();
    }

    public static void JobFailedOn(string job, string cause)
    {
        if (Exported) Kept.JobFailed.WithLabels(job, cause).Inc();
    }

    public static void Fetched(FetchResult fetch)
    {
        if (!Exported) return;
        Kept.Fetches.WithLabels(fetch.Outcome switch
        {
            FetchOutcome.Ok => "ok",
            FetchOutcome.NotModified => "not_modified",
            FetchOutcome.Gone => "gone",
            _ => "failed",
        }).Inc();
        Kept.FetchDuration.Observe(fetch.Elapsed.TotalSeconds);
    }

    public static void Polled(PollSummary summary, TimeSpan elapsed)
    {
        if (!Exported) return;
        Count("feed", summary.Inserted, summary.Sighted, summary.Updated, summary.Unchanged);
        if (summary.Feeds > 0) Kept.CycleDuration.WithLabels("poll").Observe(elapsed.TotalSeconds);
    }

    public static void Imported(ImportSummary summary, TimeSpan elapsed)
    {
        if (!Exported) return;
        Count("document", summary.Inserted, summary.Sighted, summary.Updated, summary.Unchanged);
        Kept.CycleDuration.WithLabels("import").Observe(elapsed.TotalSeconds);
    }

    public static void Emailed(string @event, string kind, int count = 1)
    {
        if (Exported && count > 0) Kept.Mail.WithLabels(@event, kind).Inc(count);
    }

    private static void Count(string source, int inserted, int sighted, int updated, int unchanged)
    {
        Kept.Ingested.WithLabels(source, "inserted").Inc(inserted);
        Kept.Ingested.WithLabels(source, "sighted").Inc(sighted);
        Kept.Ingested.WithLabels(source, "updated").Inc(updated);
        Kept.Ingested.WithLabels(source, "unchanged").Inc(unchanged);
    }
}
