using Aggregator.Ingestion;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Imports new or changed documents from the configured folders: at start, then every
/// Aggregator:Scheduling:ImportIntervalMinutes. A thin adapter over the orchestrator.</summary>
[DisallowConcurrentExecution]
public sealed class ImportDocumentsJob(DocumentIngestor ingestor, Retagger retagger, Publishing.WebSubPublisher websub, ILogger<ImportDocumentsJob> logger) : IJob
{
    public static readonly JobKey Key = new("import-documents");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobRun.GuardAsync("import", "Importing documents", "the folders are read again at the next import", logger, async ct =>
        {
            if (await retagger.FollowRulesFileAsync(ct) is { Changed: > 0 }) websub.TagsRecomputed();
            var summary = await ingestor.ImportConfiguredAsync(ct);
            if (summary.Inserted + summary.Updated > 0) websub.ItemsLanded();
        }, cancellationToken);
}
