using Aggregator.Configuration;
using Microsoft.Extensions.Options;

namespace Aggregator.Processing.Tagging;

/// <summary>The topic rules from the config folder: read and checked at start (a broken file
/// stops the program), compiled on first use (a poll that only meets 304s never pays for it).</summary>
public sealed class TopicCatalog
{
    private readonly Lazy<IReadOnlyList<CompiledTopic>> _topics;

    public TopicRules Rules { get; }
    public IReadOnlyList<CompiledTopic> Topics => _topics.Value;
    public string Version => Rules.Version;

    public TopicCatalog(AppPaths paths, IOptions<AggregatorOptions> options)
    {
        Rules = TopicRules.Load(paths.InConfig(options.Value.Tagging.TopicsFile));
        _topics = new Lazy<IReadOnlyList<CompiledTopic>>(() => CompiledTopic.From(Rules));
    }
}
