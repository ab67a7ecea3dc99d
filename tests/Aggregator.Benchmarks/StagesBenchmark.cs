using System.Diagnostics;
using Aggregator.Ingestion;
using Aggregator.Parsing;
using Aggregator.Parsing.Feeds;
using Aggregator.Processing;
using Aggregator.Processing.Stories;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;

namespace Aggregator.Benchmarks;

/// <summary>Where a poll's CPU and allocation go, stage by stage, on one thread over a generated
/// corpus (the parsing side of issue 3's cold cycle, without fetching or storing). Each stage
/// runs over every entry before the next starts, so its figures are its own.</summary>
public static class StagesBenchmark
{
    public static int Run(string corpus, int rounds)
    {
        var topics = CompiledTopic.From(TopicRules.Load(Path.Combine(Paths.Config(), "topics.json")));
        var files = Paths.CorpusFeeds(corpus).Select(f => (Url: new Uri("http://127.0.0.1/" + Path.GetFileName(f)), Bytes: File.ReadAllBytes(f))).ToList();
        Console.WriteLine($"{files.Count} feeds, {files.Sum(f => f.Bytes.Length) / 1048576.0:F1} MB");
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round}:");
            var texts = Stage("  parse: decode (bytes → text)", () => files.Select(f => FeedDecoder.Decode(f.Bytes).Text).ToList());
            var repaired = Stage("  parse: repair", () => texts.Select(t => XmlRepair.Repair(t).Text).ToList());
            var trees = Stage("  parse: XML tree", () => repaired.Select(t => FeedXml.Load(t).Document).ToList());
            var syndicated = trees.Select((t, i) => (Tree: t, files[i].Url)).Where(t => t.Tree.Root!.Name.LocalName == "rss" || t.Tree.Root!.Name == FeedXml.Atom10 + "feed").ToList();
            Console.WriteLine($"  ({syndicated.Count} of them RSS 2.0 or Atom 1.0, read by Syndication)");
            Stage("  parse: Syndication alone (its objects)", () => syndicated.Select(s =>
            {
                var t = s.Tree;
                System.ServiceModel.Syndication.SyndicationFeedFormatter f = t.Root!.Name.LocalName == "rss"
                    ? new System.ServiceModel.Syndication.Rss20FeedFormatter { PreserveElementExtensions = false, PreserveAttributeExtensions = false }
                    : new System.ServiceModel.Syndication.Atom10FeedFormatter { PreserveElementExtensions = false, PreserveAttributeExtensions = false };
                f.DateTimeParser = (System.ServiceModel.Syndication.XmlDateTimeData data, out DateTimeOffset value) => { value = FeedDates.Parse(data.DateTimeString, null) is { } d ? new DateTimeOffset(d, TimeSpan.Zero) : DateTimeOffset.MinValue; return true; };
                using var r = t.CreateReader();
                f.ReadFrom(r);
                return f.Feed;
            }).ToList());
            Stage("  parse: Syndication + our entry records", () => syndicated.Select(s =>
                SyndicationReader.TryRead(s.Tree, atom: s.Tree.Root!.Name.LocalName != "rss", s.Url, out _)).ToList());
            texts = repaired = null!;
            trees = null!;
            var feeds = Stage("parse (bytes → entries)", () => files.Select(f => FeedParser.Parse(f.Bytes, f.Url, null, null).Feed!).ToList());
            var articles = Stage("entry → article (HTML → text, language)", () => feeds.SelectMany(f => f.Entries.Select(e => FeedIngestor.Article(e, f)!.Value)).ToList());
            Stage("  of which: read-more trailer", () => articles.Select(a => ReadMoreTrailer.Strip(a.Article.Body)).ToList());
            Stage("storable text (clean, composed)", () => articles.Select(a => (StorableText.Composed(a.Article.Title), StorableText.Composed(a.Article.Body))).ToList());
            var comparable = Stage("normalize for comparison (NFKC, case)", () => articles.Select(a => (Title: TextNormalizer.ForComparison(a.Article.Title), Body: TextNormalizer.ForComparison(a.Article.Body))).ToList());
            Stage("content hash + entry id", () => comparable.Select(c => EntryIds.For("bench", ContentHash.OfComparable(c.Title, c.Body))).ToList());
            Stage("tagging", () => articles.Select(a => Tagger.Tag(topics, a.Article.Title, a.Article.Body)).ToList());
            Stage("story fingerprint", () => comparable.Select((c, i) => StoryFingerprint.OfComparable(c.Title, c.Body, articles[i].Article.PublishedAt ?? DateTime.UtcNow)).ToList());
            Stage("gzip the raw feed", () => files.Select(f => FeedBodies.Gzip(f.Bytes)).ToList());
            Console.WriteLine($"  ({articles.Count:N0} entries)");
        }
        return 0;
    }

    private static T Stage<T>(string name, Func<T> run)
    {
        GC.Collect();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var time = Stopwatch.StartNew();
        var result = run();
        time.Stop();
        Console.WriteLine($"  {name,-44} {time.Elapsed.TotalMilliseconds,8:F0} ms  {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1048576.0,8:F0} MB allocated");
        return result;
    }
}
