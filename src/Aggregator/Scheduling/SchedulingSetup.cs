using Aggregator.Configuration;
using Quartz;

namespace Aggregator.Scheduling;

public static class SchedulingSetup
{
    /// <summary>Quartz in this process with its in-memory store: the document import and the feed
    /// poll fire at start and repeat.</summary>
    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder, AggregatorOptions options)
    {
        builder.AddQuartz(q =>
        {
            q.ScheduleJob<ImportDocumentsJob>(trigger => trigger
                .WithIdentity("import-documents")
                .StartNow()
                .WithSimpleSchedule(TimeSpan.FromMinutes(options.Scheduling.ImportIntervalMinutes)));
            q.ScheduleJob<PollFeedsJob>(trigger => trigger
                .WithIdentity("poll-feeds")
                .StartNow()
                .WithSimpleSchedule(TimeSpan.FromSeconds(options.Scheduling.PollTickSeconds)));
            if (options.Mail.Enabled)
                AddMailJobs(q, options);
        });
        // On shutdown running jobs are cancelled: fetches in flight are abandoned, and every
        // document, and every feed's entries with its state, is written in one transaction,
        // so nothing is left half-written; an abandoned feed is simply polled again.
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>The mail tick (alerts, outbox) and one cron trigger per digest recipient, in the
    /// recipient's time zone. A digest due while the service was down is not sent at start (the
    /// in-memory store forgets triggers); the next one covers the whole time since the previous
    /// digest, so no story is left out.</summary>
    private static void AddMailJobs(IQuartzBuilder q, AggregatorOptions options)
    {
        q.ScheduleJob<SendMailJob>(trigger => trigger
            .WithIdentity("send-mail")
            .StartNow()
            .WithSimpleSchedule(TimeSpan.FromSeconds(options.Mail.TickSeconds)));
        var digestJob = new JobKey("send-digest");
        q.AddJob<SendDigestJob>(j => j.WithIdentity(digestJob).StoreDurably());
        foreach (var recipient in Mail.Recipient.FromOptions(options.Mail).Recipients.Where(r => r.Digests))
            q.AddTrigger(t => t
                .ForJob(digestJob)
                .WithIdentity("digest:" + recipient.Address)
                .UsingJobData(SendDigestJob.RecipientKey, recipient.Address)
                .WithCronSchedule(recipient.DigestSchedule.CronExpressionString, c => c.InTimeZone(recipient.TimeZone)));
    }
}
