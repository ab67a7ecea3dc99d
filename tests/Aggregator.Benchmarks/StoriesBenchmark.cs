using System.Diagnostics;
using Aggregator.Configuration;
using Aggregator.Ingestion;
using Aggregator.Parsing;
using Aggregator.Parsing.Feeds;
using Aggregator.Processing;
using Aggregator.Processing.Stories;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Benchmarks;

/// <summary>Issue 4's benchmark: tagging plus clustering throughput on one core, and what placing
/// a new item in a story costs with 10k and 100k stored items, against comparing it with every
/// stored item.</summary>
public static class StoriesBenchmark
{
    private const int Probes = 1000;
    private const int BruteForceProbes = 20;

    public static async Task<int> RunAsync(string corpus, int[] sizes)
    {
        var documents = Load(corpus);
        Console.WriteLine($"{documents.Count:N0} distinct entries from {corpus}");
        var largest = sizes.Max();
        if (documents.Count < largest + Probes)
        {
            Console.Error.WriteLine($"need {largest + Probes:N0} distinct entries; generate more feeds");
            return 1;
        }

        var topics = CompiledTopic.From(TopicRules.Load(Path.Combine(Paths.Config(), "topics.json")));
        var fingerprints = new StoryFingerprint[largest + Probes];
        var tagTime = Stopwatch.StartNew();
        var tagged = 0;
        for (var i = 0; i < fingerprints.Length; i++)
            tagged += Tagger.Tag(topics, documents[i].Title, documents[i].Body).Count > 0 ? 1 : 0;
        tagTime.Stop();
        var printTime = Stopwatch.StartNew();
        for (var i = 0; i < fingerprints.Length; i++)
            fingerprints[i] = StoryFingerprint.Of(documents[i].Title, documents[i].Body, documents[i].PublishedAt);
        printTime.Stop();
        var n = fingerprints.Length;
        Console.WriteLine($"one core, {n:N0} documents: tagging {n / tagTime.Elapsed.TotalSeconds:N0} docs/s ({tagged:N0} tagged), "
            + $"story fingerprint {n / printTime.Elapsed.TotalSeconds:N0} docs/s, both {n / (tagTime.Elapsed + printTime.Elapsed).TotalSeconds:N0} docs/s");

        Console.WriteLine("| stored items | place a new item (index) | tag + fingerprint + place, one core | compare with every stored item | stories among stored | database |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        var perDocument = (tagTime.Elapsed + printTime.Elapsed).TotalMicroseconds / n;
        foreach (var size in sizes)
            await MeasureAsync(size, documents, fingerprints, perDocument);
        return 0;
    }

    private static async Task MeasureAsync(int size, List<ParsedDocument> documents, StoryFingerprint[] fingerprints, double tagAndFingerprintMicros)
    {
        var folder = Path.Combine(Path.GetTempPath(), "aggregator-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var options = Options.Create(new AggregatorOptions());
            var database = new Database(new AppPaths(Paths.Config(), folder), options);
            await database.MigrateAsync(CancellationToken.None);
            var sourceId = await new ItemStore(database, TimeProvider.System).EnsureSourceAsync("feed", "http://127.0.0.1/bench", "bench", CancellationToken.None);
            for (var start = 0; start < size; start += 1000)
            {
                await using var write = await database.BeginWriteAsync(CancellationToken.None);
                var batch = Enumerable.Range(start, Math.Min(1000, size - start)).Select(i => Item(sourceId, i, documents[i], fingerprints[i])).ToList();
                await ItemBatch.StoreInAsync(write.Connection, write.Transaction, batch, DateTime.UtcNow);
                await write.CommitAsync(CancellationToken.None);
            }

            double indexMicros, compared, batchMicros;
            await using (var write = await database.BeginWriteAsync(CancellationToken.None)) // rolled back: measures, stores nothing
            {
                await using var stories = StoryIndex.Open(write.Connection, write.Transaction);
                var time = Stopwatch.StartNew();
                for (var p = 0; p < Probes; p++)
                    await stories.PlaceAsync([new StoryIndex.NewItem(10_000_000 + p, fingerprints[size + p])]);
                indexMicros = time.Elapsed.TotalMicroseconds / Probes;
                compared = (double)stories.Compared / Probes;
            }
            await using (var write = await database.BeginWriteAsync(CancellationToken.None)) // as a poll stores them: a feed's 50 at a time
            {
                await using var stories = StoryIndex.Open(write.Connection, write.Transaction);
                var time = Stopwatch.StartNew();
                for (var p = 0; p < Probes; p += 50)
                    await stories.PlaceAsync(Enumerable.Range(p, 50).Select(q => new StoryIndex.NewItem(10_000_000 + q, fingerprints[size + q])).ToList());
                batchMicros = time.Elapsed.TotalMicroseconds / Probes;
            }

            var brute = Stopwatch.StartNew();
            var matches = 0;
            for (var p = 0; p < BruteForceProbes; p++)
                for (var i = 0; i < size; i++)
                    matches += StoryMatch.Decide(fingerprints[size + p], fingerprints[i]).Same ? 1 : 0;
            var bruteMicros = brute.Elapsed.TotalMicroseconds / BruteForceProbes;

            await using var connection = await database.OpenAsync(CancellationToken.None);
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM items WHERE story_id IS NULL";
            var stories2 = (long)(await count.ExecuteScalarAsync())!;
            var bytes = new DirectoryInfo(folder).GetFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.WriteLine($"| {size:N0} | {indexMicros:N0} µs alone, {batchMicros:N0} µs in a batch of 50 ({compared:N1} compared) | {1e6 / (tagAndFingerprintMicros + batchMicros):N0} docs/s | {bruteMicros / 1000:N1} ms | {stories2:N0} | {bytes / 1e6:N0} MB |");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    private static IncomingItem Item(long sourceId, int index, ParsedDocument d, StoryFingerprint story) => new()
    {
        SourceId = sourceId,
        EntryKey = "e" + index,
        ContentHash = ContentHash.Of(d.Title, d.Body),
        EntryId = "tag:bench,2026:" + index,
        Title = d.Title,
        Body = d.Body,
        Language = d.Language,
        PublishedAt = d.PublishedAt,
        Tags = [],
        RulesVersion = "bench",
        Story = story,
    };

    /// <summary>Every entry of every feed file, as ingestion reads it, distinct by content.</summary>
    private static List<ParsedDocument> Load(string corpus)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var documents = new List<ParsedDocument>();
        foreach (var file in Paths.CorpusFeeds(corpus))
        {
            var parsed = FeedParser.Parse(File.ReadAllBytes(file), new Uri("http://127.0.0.1/" + Path.GetFileName(file)), null, null);
            if (parsed.Feed is not { } feed) continue;
            foreach (var entry in feed.Entries)
                if (FeedIngestor.Article(entry, feed) is { } a && seen.Add(ContentHash.Of(a.Article.Title, a.Article.Body)))
                    documents.Add(a.Article);
        }
        return documents;
    }
}
