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
    private string? _broken;

    /// <summary>One version of the rules, compiled: a caller that tags and records the version
    /// takes both from the same one.</summary>
    public sealed class Snapshot(TopicRules rules, string file)
    {
        private readonly Lazy<IReadOnlyList<CompiledTopic>> _topics = new(() => CompiledTopic.From(rules));
        public TopicRules Rules => rules;
        public IReadOnlyList<CompiledTopic> Topics => _topics.Value;
        public string Version => rules.Version;
        /// <summary>Every tag these rules can give: each topic's and its sub-tags.</summary>
        public IReadOnlyList<string> Tags { get; } = rules.Topics.SelectMany(t => t.Subtags.Prepend(t.Tag)).Distinct(StringComparer.Ordinal).ToList();
        /// <summary>The SHA-256 of the file these rules were read from.</summary>
        internal string File => file;
    }

    public Snapshot Current => _current;
    public TopicRules Rules => _current.Rules;
    public IReadOnlyList<CompiledTopic> Topics => _current.Topics;
    public string Version => _current.Version;

    /// <summary>Every tag the rules can give: each topic's and its sub-tags.</summary>
    public IReadOnlyList<string> KnownTags => _current.Tags;

    /// <summary>Null when the rules can give the tag, else an error naming the ones they can.</summary>
    public string? UnknownTag(string tag) => _current.Tags is var known && known.Contains(tag, StringComparer.Ordinal)
        ? null
        : $"there is no tag \"{tag}\": the topic rules give {string.Join(", ", known)}.";

    public TopicCatalog(AppPaths paths, IOptions<AggregatorOptions> options)
    {
        _path = paths.InConfig(options.Value.Tagging.TopicsFile);
        var rules = TopicRules.Load(_path); // says plainly what is wrong with a missing or broken file
        _current = new Snapshot(rules, Stamp());
    }

    /// <summary>Reads the file again when its content has changed since it was read. By content,
    /// not by time and size: a Kubernetes ConfigMap is swapped by renaming a symbolic link to a
    /// folder, which leaves the file's own link as it was.</summary>
    /// <returns>True when new rules were taken; false when the file is as it was.</returns>
    /// <exception cref="InvalidDataException">The file changed and is broken, or is gone: the rules in use stay.</exception>
    public bool Reload()
    {
        lock (_lock)
        {
            string stamp;
            try
            {
                stamp = Stamp();
            }
            catch (InvalidDataException) when (_broken == Missing)
            {
                return false; // said once
            }
            catch (InvalidDataException)
            {
                _broken = Missing;
                throw;
            }
            // A broken version is said once, not at every tick until it is fixed.
            if (stamp == _current.File || stamp == _broken) return false;
            try
            {
                _current = new Snapshot(TopicRules.Load(_path), stamp);
                _broken = null;
                return true;
            }
            catch (InvalidDataException)
            {
                _broken = stamp;
                throw;
            }
        }
    }

    private const string Missing = "missing";

    private string Stamp()
    {
        try
        {
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.IO.File.ReadAllBytes(_path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{_path} cannot be read ({e.Message})", e);
        }
    }
}
