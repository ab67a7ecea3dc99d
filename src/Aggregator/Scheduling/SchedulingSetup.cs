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
        });
        // On shutdown running jobs are cancelled: fetches in flight are abandoned, and every
        // document, and every feed's entries with its state, is written in one transaction,
        // so nothing is left half-written; an abandoned feed is simply polled again.
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
