using Aggregator.Operations;
using Aggregator.Storage;

namespace Aggregator.Scheduling;

/// <summary>What every scheduled job does around its work: a run that ends is recorded
/// (aggregator_job_last_success_timestamp_seconds), and a database that fails (unreachable, full,
/// read-only, locked by another process) is said in one line a run and counted, instead of a
/// stack trace from Quartz at every tick of an outage. Other errors are counted and left to
/// Quartz, which logs them whole.</summary>
internal static class JobRun
{
    /// <param name="job">The job's label in the metrics: poll, import, search, retention, mail, digest.</param>
    /// <param name="doing">What stops, for the log: "Polling", "Importing documents".</param>
    /// <param name="next">When it is tried again, for the log.</param>
    public static async Task GuardAsync(string job, string doing, string next, ILogger logger, Func<CancellationToken, Task> work, CancellationToken stopping)
    {
        try
        {
            await work(stopping);
            Telemetry.JobRan(job);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The service is stopping: the run was abandoned on purpose, not failed.
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            // Another process holds the write lock (a backup, a sqlite3 shell) past the 30 s
            // timeout: nothing half-written, and the next run gets in once it lets go.
            Telemetry.JobFailedOn(job, "database");
            logger.LogWarning("{Doing} waited more than 30 s for the database, which another process keeps locked ({Reason}); {Next}", doing, e.Message, next);
        }
        catch (Exception e) when (Database.IsUnavailable(e))
        {
            // Full, read-only, unreachable: stopped at the first failed write (each write is one
            // transaction), and tried again on schedule.
            Telemetry.JobFailedOn(job, "database");
            // The innermost reason: Quartz's and Npgsql's wrappers carry the whole chain, stacks included, in their messages.
            logger.LogError("{Doing} stopped: the database failed ({Reason}); {Next}", doing, e.GetBaseException().Message, next);
        }
        catch (Exception)
        {
            Telemetry.JobFailedOn(job, "error");
            throw;
        }
    }
}
