using Aggregator.Configuration;
using Microsoft.Extensions.Options;

namespace Aggregator.Processing.Tagging;

/// <summary>The topic rules from the config folder: read and checked at start (a broken file
/// stops the program), compiled on first use (a poll that only meets 304s never pays for it),
/// and read again by the running service when the file changes (<see cref="Reload"/>): a
/// service kept tagging new items with the rules it started with, even after `aggregator
/// retag` had stored the new ones' version, so nothing ever corrected them.</summary>
public sealed class TopicCatalog
{
    private readonly string _path;
    private readonly Lock _lock = new();
    private volatile Snapshot _current;
    private (DateTime, long) _broken;

    /// <summary>One version of the rules, compiled: a caller that tags and records the version
    /// takes both from the same one.</summary>
    public sealed class Snapshot(TopicRules rules, (DateTime, long) file)
    {
        private readonly Lazy<IReadOnlyList<CompiledTopic>> _topics = new(() => CompiledTopic.From(rules));
        public TopicRules Rules => rules;
        public IReadOnlyList<CompiledTopic> Topics => _topics.Value;
        public string Version => rules.Version;
        internal (DateTime Written, long Length) File => file;
    }

    public Snapshot Current => _current;
    public TopicRules Rules => _current.Rules;
    public IReadOnlyList<CompiledTopic> Topics => _current.Topics;
    public string Version => _current.Version;

    public TopicCatalog(AppPaths paths, IOptions<AggregatorOptions> options)
    {
        _path = paths.InConfig(options.Value.Tagging.TopicsFile);
        var stamp = Stamp();
        _current = new Snapshot(TopicRules.Load(_path), stamp);
    }

    /// <summary>Reads the file again when it has changed since it was read (its time or size).</summary>
    /// <returns>True when new rules were taken; false when the file is as it was.</returns>
    /// <exception cref="InvalidDataException">The file changed and is broken: the rules in use stay.</exception>
    public bool Reload()
    {
        lock (_lock)
        {
            var stamp = Stamp();
            // A broken version is said once, not at every tick until it is fixed.
            if (stamp == _current.File || stamp == _broken) return false;
            try
            {
                _current = new Snapshot(TopicRules.Load(_path), stamp);
                return true;
            }
            catch (InvalidDataException)
            {
                _broken = stamp;
                throw;
            }
        }
    }

    private (DateTime, long) Stamp()
    {
        var file = new FileInfo(_path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : default;
    }
}
