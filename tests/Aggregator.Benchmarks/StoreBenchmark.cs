using System.Diagnostics;
using Aggregator.Configuration;
using Aggregator.Ingestion;
using Aggregator.Parsing.Feeds;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Benchmarks;

/// <summary>The writer alone: a generated corpus parsed and evaluated first, then stored into an
/// empty SQLite database (or, given a connection string, an empty PostgreSQL one) in batches as a
/// cold poll cycle does (PollBatcher.BatchSize feeds per transaction), on one thread with nothing
/// else running; then the search index built over what was stored, as `serve` does after it.</summary>
public static class StoreBenchmark
{
    public static async Task<int> RunAsync(string corpus, string? postgres = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "aggregator-store-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var options = Options.Create(new AggregatorOptions());
            if (postgres is not null)
                (options.Value.Storage.Provider, options.Value.Storage.ConnectionString) = ("postgres", postgres);
            var paths = new AppPaths(Paths.Config(), folder);
            var topics = new TopicCatalog(paths, options);
            var database = new Database(paths, options);
            await database.MigrateAsync(CancellationToken.None);
            var store = new FeedStore(database, TimeProvider.System);
            var files = Paths.CorpusFeeds(corpus);
            await store.AddAsync(files.Select(f => new FeedSubscription("http://127.0.0.1/" + Path.GetFileName(f), null)).ToList(), CancellationToken.None);
            var rows = (await store.ListAsync(CancellationToken.None)).ToDictionary(r => r.Url);
            var now = DateTime.UtcNow;
            var polls = files.Select(f =>
            {
                var row = rows["http://127.0.0.1/" + Path.GetFileName(f)];
                var bytes = File.ReadAllBytes(f);
                var feed = FeedParser.Parse(bytes, new Uri(row.Url), null, null).Feed!;
                var items = feed.Entries.Select(e => FeedIngestor.Article(e, feed)).OfType<(string Key, Parsing.ParsedDocument Article)>()
                    .Select(a => IncomingItems.From(row.SourceId, a.Key, a.Article, topics, "bench")).DistinctBy(i => i.EntryKey).ToList();
                return new CompletedPoll(new FeedPollState { FeedId = row.Id, AttemptAt = now, NextPollAt = now.AddHours(1), Status = 200, Success = true, Body = FeedBodies.Gzip(bytes) }, items);
            }).ToList();
            Console.WriteLine($"{polls.Count} polls, {polls.Sum(p => p.Items.Count):N0} entries evaluated; storing in batches of {PollBatcher.BatchSize}");
            var time = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var collections = GC.CollectionCount(0);
            foreach (var batch in polls.Chunk(PollBatcher.BatchSize))
                await store.CompletePollsAsync(batch, CancellationToken.None);
            Console.WriteLine($"stored in {time.Elapsed.TotalSeconds:F2} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s CPU, "
                + $"{(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576} MB allocated, {GC.CollectionCount(0) - collections} collections); "
                + (postgres is null ? $"database {new DirectoryInfo(folder).EnumerateFiles().Sum(f => f.Length) / 1048576} MB" : "PostgreSQL"));
            time.Restart();
            var indexed = await new SearchIndex(database).CatchUpAsync(CancellationToken.None);
            Console.WriteLine($"search index: {indexed:N0} items in {time.Elapsed.TotalSeconds:F2} s");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }
}
