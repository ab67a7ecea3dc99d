using Aggregator.Configuration;
using Microsoft.Extensions.Options;

namespace Aggregator.Processing.Tagging;

/// <summary>The topic rules from the config folder, compiled once per process.</summary>
public sealed class TopicCatalog
{
    public TopicRules Rules { get; }
    public IReadOnlyList<CompiledTopic> Topics { get; }
    public string Version => Rules.Version;

    public TopicCatalog(AppPaths paths, IOptions<AggregatorOptions> options)
    {
        Rules = TopicRules.Load(paths.InConfig(options.Value.Tagging.TopicsFile));
        Topics = CompiledTopic.From(Rules);
    }
}
