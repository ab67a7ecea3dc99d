using Aggregator.Configuration;
using Aggregator.Parsing;
using Aggregator.Parsing.Documents;
using Aggregator.Processing.Tagging;
using Aggregator.Sources;
using Aggregator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Ingestion;

/// <summary>The one place where the stages meet for local documents:
/// source → read → parse → normalize and hash → tag → store. One bad document is recorded
/// against its source and never stops the rest.</summary>
public sealed class DocumentIngestor(
    ItemStore store,
    TopicCatalog topics,
    IOptions<AggregatorOptions> options,
    ILogger<DocumentIngestor> logger)
{
    /// <summary>One cycle over the configured document folders.</summary>
    public Task<ImportSummary> ImportConfiguredAsync(CancellationToken ct) =>
        ImportAsync(options.Value.Sources.DocumentFolders, null, ct);

    public async Task<ImportSummary> ImportAsync(IEnumerable<string> paths, IProgress<int>? progress, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var summary = new ImportSummary();
        var done = 0;
        foreach (var path in paths)
        {
            IReadOnlyList<DocumentFile> files;
            try
            {
                files = DocumentFolder.Enumerate(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Importing {Path} failed: {Reason}", path, e.Message);
                summary = summary.Add(new ImportFailure(path, e.Message));
                continue;
            }
            foreach (var file in files)
            {
                ct.ThrowIfCancellationRequested();
                summary = await ImportOneAsync(file, summary, ct);
                progress?.Report(++done);
            }
        }
        logger.LogInformation("Imported {Summary}", summary.ToString());
        Operations.Telemetry.Imported(summary, started.Elapsed);
        return summary;
    }

    private async Task<ImportSummary> ImportOneAsync(DocumentFile file, ImportSummary summary, CancellationToken ct)
    {
        var sourceId = await store.EnsureSourceAsync("document", file.Locator, Path.GetFileName(file.FullPath), ct);
        ParsedDocument parsed;
        try
        {
            parsed = DocumentReader.Read(file.FullPath, await ReadCappedAsync(file.FullPath, ct));
        }
        catch (Exception e) when (e is DocumentFormatException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Importing {Document} failed: {Reason}", file.Locator, e.Message);
            await store.SetSourceErrorAsync(sourceId, e.Message, ct);
            return summary.Add(new ImportFailure(file.Locator, e.Message));
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // A bug one document meets (a parser's exception of its own) fails that document, as
            // a feed's fails that feed: the folder's other documents are still imported.
            logger.LogError(e, "Reading {Document} failed unexpectedly", file.Locator);
            var error = $"unexpected error while reading the document ({e.GetType().Name}: {e.Message})";
            await store.SetSourceErrorAsync(sourceId, error, ct);
            return summary.Add(new ImportFailure(file.Locator, error));
        }

        StoreOutcome outcome;
        try
        {
            outcome = await store.StoreAsync(IncomingItems.From(sourceId, "", parsed, topics, options.Value.Publishing.IdAuthority), ct);
        }
        catch (System.Data.Common.DbException e)
        {
            // A document the database refuses (its transaction rolled back) is reported, and the rest are still imported.
            logger.LogError(e, "Storing {Document} failed", file.Locator);
            await store.SetSourceErrorAsync(sourceId, e.Message, ct);
            return summary.Add(new ImportFailure(file.Locator, $"not stored: {e.Message}"));
        }
        await store.SetSourceErrorAsync(sourceId, null, ct);
        return summary.Add(outcome);
    }

    private async Task<byte[]> ReadCappedAsync(string path, CancellationToken ct)
    {
        var max = options.Value.Sources.MaxDocumentBytes;
        // The length of what is read, not of the path's entry: a symbolic link is a few bytes
        // long whatever it points to (a 5.6 MB file went in that way, and took minutes).
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var length = stream.CanSeek ? stream.Length : 0;
        if (length > max)
            throw new DocumentFormatException($"{length:N0} bytes is over the limit of {max:N0} (Aggregator:Sources:MaxDocumentBytes)");
        using var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(buffer, ct)) > 0)
        {
            if (bytes.Length + n > max) // grown since its length was read, or a device with none
                throw new DocumentFormatException($"over {max:N0} bytes, the limit (Aggregator:Sources:MaxDocumentBytes)");
            bytes.Write(buffer, 0, n);
        }
        return bytes.ToArray();
    }
}
