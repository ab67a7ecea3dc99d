using Aggregator.Configuration;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Two Quartz schedulers per worker. The clustered one runs what must happen once for
/// the whole deployment (the document import, the mail tick, each recipient's digest): in memory
/// on SQLite; on PostgreSQL in Quartz's clustered AdoJobStore, so that one node fires each
/// trigger, and when a node dies the others recover its jobs after missed check-ins. The local
/// one runs what every worker does, the feed poll tick: the feeds themselves are shared out by
/// row claims (FeedStore.ClaimDueAsync). A trigger of a clustered store fires on whichever node
/// asks first, and that tends to be the same one; so polling in a clustered job would leave the
/// other workers idle.</summary>
public static class SchedulingSetup
{
    public const string ClusteredScheduler = "aggregator";
    public const string LocalScheduler = "aggregator-poller";

    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder, AggregatorOptions options)
    {
        builder.AddQuartz(ClusteredScheduler, q =>
        {
            q.ConfigureScheduler(s => s.InstanceId = ClusterMembership.NodeId);
            if (options.Storage.Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase))
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(options.Storage.ConnectionString!);
                    store.UseSystemTextJsonSerializer();
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(options.Cluster.CheckinIntervalSeconds));
                    // The qrtz_ tables are Quartz's own: it creates what is missing at start.
                    store.ProvisionSchema();
                });
            q.ScheduleJob<ImportDocumentsJob>(trigger => trigger
                .WithIdentity("import-documents")
                .StartNow()
                .WithSimpleSchedule(TimeSpan.FromMinutes(options.Scheduling.ImportIntervalMinutes)),
                job => job.WithIdentity(ImportDocumentsJob.Key).RequestRecovery());
            q.ScheduleJob<IndexSearchJob>(trigger => trigger
                .WithIdentity("index-search")
                .StartNow()
                .WithSimpleSchedule(TimeSpan.FromSeconds(options.Scheduling.SearchIndexSeconds)),
                job => job.WithIdentity(IndexSearchJob.Key));
            if (options.Retention.Days > 0)
                q.ScheduleJob<PruneItemsJob>(trigger => trigger
                    .WithIdentity("prune-items")
                    .StartNow()
                    .WithSimpleSchedule(TimeSpan.FromHours(1)),
                    job => job.WithIdentity(PruneItemsJob.Key));
            if (options.Mail.Enabled)
                AddMailJobs(q, options);
        });
        builder.AddQuartz(LocalScheduler, q =>
        {
            q.ConfigureScheduler(s => s.InstanceId = ClusterMembership.NodeId);
            q.ScheduleJob<PollFeedsJob>(trigger => trigger
                .WithIdentity("poll-feeds")
                .StartNow()
                .WithSimpleSchedule(TimeSpan.FromSeconds(options.Scheduling.PollTickSeconds)));
        });
        // On shutdown running jobs are cancelled: fetches in flight are abandoned, and every
        // document, and every feed's entries with its state, is written in one transaction,
        // so nothing is left half-written; an abandoned feed is simply polled again.
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>The mail tick (alerts, outbox) and one cron trigger per digest recipient, in the
    /// recipient's time zone. With the in-memory store a digest due while the service was down is
    /// not sent at start; the next one covers the whole time since the previous digest, so no
    /// story is left out. Recovery: a node that dies sending has its job run again elsewhere;
    /// the outbox keeps that from sending anything twice.</summary>
    private static void AddMailJobs(IQuartzBuilder q, AggregatorOptions options)
    {
        q.ScheduleJob<SendMailJob>(trigger => trigger
            .WithIdentity("send-mail")
            .StartNow()
            .WithSimpleSchedule(TimeSpan.FromSeconds(options.Mail.TickSeconds)),
            job => job.WithIdentity("send-mail").RequestRecovery());
        var digestJob = new JobKey("send-digest");
        q.AddJob<SendDigestJob>(j => j.WithIdentity(digestJob).StoreDurably().RequestRecovery());
        foreach (var recipient in Mail.Recipient.FromOptions(options.Mail).Recipients.Where(r => r.Digests))
            q.AddTrigger(t => t
                .ForJob(digestJob)
                .WithIdentity("digest:" + recipient.Address)
                .UsingJobData(SendDigestJob.RecipientKey, recipient.Address)
                .WithCronSchedule(recipient.DigestSchedule.CronExpressionString, c => c.InTimeZone(recipient.TimeZone)));
    }
}
