using Aggregator.Benchmarks;

// dotnet run -c Release --project tests/Aggregator.Benchmarks -- stories CORPUS_DIR [SIZES]
if (args is ["stories", var corpus, ..])
    return await StoriesBenchmark.RunAsync(corpus, args.Length > 2 ? args[2].Split(',').Select(int.Parse).ToArray() : [10_000, 100_000]);
Console.Error.WriteLine("usage: stories CORPUS_DIR [SIZES, e.g. 10000,100000]   (CORPUS_DIR: ../shared/bench/gen_feeds.py output)");
return 2;
