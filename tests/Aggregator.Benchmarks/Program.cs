using Aggregator.Benchmarks;

// dotnet run -c Release --project tests/Aggregator.Benchmarks -- stages|store|pages|stories CORPUS_DIR …
if (args is ["store", var storeCorpus, ..])
    return await StoreBenchmark.RunAsync(storeCorpus, args.Length > 2 ? args[2] : null);
if (args is ["stages", var folder, ..])
    return StagesBenchmark.Run(folder, args.Length > 2 ? int.Parse(args[2]) : 3);
if (args is ["pages", var pagesCorpus, ..])
    return PagesBenchmark.Run(pagesCorpus, args.Length > 2 ? int.Parse(args[2]) : 2000);
if (args is ["stories", var corpus, ..])
    return await StoriesBenchmark.RunAsync(corpus, args.Length > 2 ? args[2].Split(',').Select(int.Parse).ToArray() : [10_000, 100_000]);
Console.Error.WriteLine("usage: stages CORPUS_DIR [ROUNDS] | store CORPUS_DIR [POSTGRES_CONNECTION_STRING, an empty database] | pages CORPUS_DIR [PAGES] | stories CORPUS_DIR [SIZES, e.g. 10000,100000]   (CORPUS_DIR: ../shared/bench/gen_feeds.py output)");
return 2;
