using Aggregator.Configuration;
using Quartz;

namespace Aggregator.Scheduling;

public static class SchedulingSetup
{
    /// <summary>Quartz in this process with its in-memory store; the import job fires at start and repeats.</summary>
    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder, AggregatorOptions options)
    {
        builder.AddQuartz(q => q.ScheduleJob<ImportDocumentsJob>(trigger => trigger
            .WithIdentity("import-documents")
            .StartNow()
            .WithSimpleSchedule(TimeSpan.FromMinutes(options.Scheduling.ImportIntervalMinutes))));
        // On shutdown a running import is cancelled between documents; each document is stored
        // in its own transaction, so nothing is left half-written.
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
