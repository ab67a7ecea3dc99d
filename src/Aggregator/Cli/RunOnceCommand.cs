using System.CommandLine;
using Aggregator.Ingestion;

namespace Aggregator.Cli;

public static class RunOnceCommand
{
    /// <summary>The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Poll every enabled feed now, due or not (conditional requests still apply)" };
        var runtimeStats = new Option<bool>("--runtime-stats") { Description = "Print the process's CPU time, garbage collections and JIT compilation to stderr at the end (for benchmarks)" };
        var command = new Command("run-once", "Run one full cycle (import the document folders, poll every due feed once), then exit. For cron and tests.") { all, runtimeStats };
        // Through RunAsync: a database locked past its timeout, or full, is said plainly (exit 75
        // for a lock, "try again later"), not as an unhandled exception with its stack.
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            try
            {
                var phases = System.Diagnostics.Stopwatch.StartNew();
                var startUp = DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime;
                // Stored tags from older rules are recomputed first, as the service does at start.
                if (await services.GetRequiredService<Retagger>().RetagIfRulesChangedAsync(ct) is { Items: > 0 } retag)
                    Console.WriteLine($"topic rules changed: {retag.Items} item(s) retagged, {retag.Changed} changed");
                if (await services.GetRequiredService<StoryRebuilder>().RebuildIfChangedAsync(ct) is > 0 and var placed)
                    Console.WriteLine($"story clustering changed: {placed} item(s) placed in stories again");
                var mailState = await Mail.MailStartup.PrepareAsync(services, ct);
                var started = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
                var prepared = phases.Elapsed;
                var documents = await services.GetRequiredService<DocumentIngestor>().ImportConfiguredAsync(ct);
                var exit = ImportCommand.Print(documents);
                var imported = phases.Elapsed;
                var feeds = await services.GetRequiredService<FeedIngestor>().PollDueAsync(ct, everyFeed: result.GetValue(all));
                var polled = phases.Elapsed;
                foreach (var url in feeds.Unsubscribed)
                    Console.WriteLine($"unsubscribed from {Sources.FeedUrl.Masked(url)}: {services.GetRequiredService<SubscriptionsFile>().Path} no longer lists it (its items stay)");
                Console.WriteLine(feeds);
                foreach (var problem in feeds.SubscriptionProblems)
                    Console.Error.WriteLine($"subscription list not applied: {problem}");
                if (feeds.NotPolled is { } why)
                    Console.Error.WriteLine($"no feed polled: {why}");
                if (documents.Inserted + documents.Updated + feeds.Inserted + feeds.Updated > 0
                    && await services.GetRequiredService<Publishing.WebSubPublisher>().PublishChangesAsync(started, ct) is { Count: > 0 } pinged)
                    Console.WriteLine($"WebSub: the hub was told about {pinged.Count} changed feed(s)");
                var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.AggregatorOptions>>().Value;
                if (options.Retention.Days > 0)
                {
                    // For cron, which runs no service to do it hourly.
                    var cutoff = options.Retention.Cutoff(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
                    if (await services.GetRequiredService<Storage.ItemRemoval>().PruneAsync(cutoff, options.Retention.KeepTagged, ct) is > 0 and var removed)
                        Console.WriteLine($"retention: {removed} item(s) of stories untouched for more than {options.Retention.Days} days removed");
                }
                if (options.Mail.Enabled)
                {
                    var alerts = await services.GetRequiredService<Mail.MailPlanner>().QueueAlertsAsync(ct);
                    var delivered = await services.GetRequiredService<Mail.MailDelivery>().DeliverDueAsync(ct);
                    Console.WriteLine($"mail: {alerts} alert(s) queued; {delivered.Sent} sent, {delivered.Retrying} to retry, {delivered.Failed} failed");
                }
                else Console.WriteLine(mailState);
                if (result.GetValue(runtimeStats))
                    Console.Error.WriteLine($"runtime: {Environment.CpuUsage.TotalTime.TotalSeconds:F2} s CPU; GC: {GC.CollectionCount(0)} gen0, {GC.CollectionCount(1)} gen1, " +
                        $"{GC.CollectionCount(2)} gen2 collections, paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, {GC.GetTotalAllocatedBytes() >> 20} MB allocated; " +
                        $"JIT: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms; " +
                        $"wall: start-up {startUp.TotalMilliseconds:F0} ms, checks {prepared.TotalMilliseconds:F0} ms, documents {(imported - prepared).TotalMilliseconds:F0} ms, " +
                        $"feeds {(polled - imported).TotalMilliseconds:F0} ms, after {(phases.Elapsed - polled).TotalMilliseconds:F0} ms");
                return feeds.Failed > 0 || feeds.SubscriptionProblems.Count > 0 || feeds.NotPolled is not null ? 1 : exit;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // SIGINT or SIGTERM: what was stored stays (each feed in one transaction); feeds
                // polled halfway were released and are polled by the next run.
                await Console.Error.WriteLineAsync("interrupted: the feeds and documents stored before the signal stay stored; those in progress were abandoned and are taken up by the next run");
                return Interrupted;
            }
        }, ct));
        return command;
    }
}
