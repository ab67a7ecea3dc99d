using System.Security.Cryptography;
using Aggregator.Configuration;
using Aggregator.Sources;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Ingestion;

/// <summary>config/feeds.opml, applied whenever its content changes: the feeds it lists are
/// subscribed, with the names and settings it gives them (an outline edited to set an encoding
/// or to disable a feed takes effect), and a feed of its own taken out of it is unsubscribed.
/// Removing a feed with the CLI sticks until the file is edited again. Each poll cycle syncs it
/// first; the file's hash, kept in the database, says whether it changed (and lets one instance
/// of several apply it).</summary>
public sealed class SubscriptionsFile(FeedStore feeds, SettingsStore settings, AppPaths paths, IOptions<AggregatorOptions> options, ILogger<SubscriptionsFile> logger)
{
    /// <summary>The setting that holds the SHA-256 of the file as last applied, and after an "@"
    /// the time the file was last written (UTC ticks).</summary>
    private const string AppliedSetting = "subscriptions_file_sha256";

    /// <summary>What the setting says of the file last applied, by this process or another.</summary>
    private readonly record struct Applied(string Hash, long WrittenTicks)
    {
        public static Applied? Parse(string? value) => value?.Split('@') switch
        {
            null => null,
            [var hash, var ticks] when long.TryParse(ticks, System.Globalization.CultureInfo.InvariantCulture, out var t) => new Applied(hash, t),
            [var hash, ..] => new Applied(hash, 0), // written before the time was kept
            [] => null,
        };

        public override string ToString() => $"{Hash}@{WrittenTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

        /// <summary>Instances that share a database but not the file (a rolling upgrade, a
        /// forgotten copy) would each apply their own in turn, unsubscribing and subscribing the
        /// same feeds at every tick. The file written last wins (the content decides a tie), and
        /// an older one is never applied over it.</summary>
        public bool Supersedes(Applied other) =>
            WrittenTicks != other.WrittenTicks ? WrittenTicks > other.WrittenTicks : string.CompareOrdinal(Hash, other.Hash) > 0;
    }

    private readonly Lock _lock = new();
    private IReadOnlyList<string> _problems = [];
    private int _checked;

    public string Path => paths.InConfig(options.Value.Sources.SubscriptionsFile);

    /// <param name="Problems">Why the file, or outlines of it, could not be applied; empty when it
    /// was (or had been, unchanged since).</param>
    /// <param name="Unsubscribed">The feeds unsubscribed now because the file no longer lists them.</param>
    public sealed record Synced(IReadOnlyList<string> Problems, IReadOnlyList<string> Unsubscribed);

    public async Task<Synced> SyncAsync(CancellationToken ct)
    {
        var path = Path;
        if (!File.Exists(path)) return new([], []);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable (its permissions, a mount, removed since): the feeds subscribed already
            // are polled as before.
            return new(NotApplied([$"{path} cannot be read ({e.Message}); the feeds subscribed already are polled as before"]), []);
        }
        var local = new Applied(Convert.ToHexStringLower(SHA256.HashData(bytes)), File.GetLastWriteTimeUtc(path).Ticks);
        var applied = Applied.Parse(await settings.GetAsync(AppliedSetting, ct));
        if (applied?.Hash == local.Hash)
        {
            // Applied already, perhaps by another process: the outlines it left out are said again
            // once in each process (each `run-once` from cron), not only by the one that applied it.
            if (Interlocked.Exchange(ref _checked, 1) == 0)
                try { return new(NotApplied(Opml.Read(path).Problems), []); }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException) { }
            return new(_problems, []);
        }
        Interlocked.Exchange(ref _checked, 1);
        if (applied is { } other && !local.Supersedes(other))
            return new(NotApplied([$"{path} differs from the subscription list another instance applied from a file written later ({new DateTime(other.WrittenTicks, DateTimeKind.Utc):yyyy-MM-dd HH:mm:ss}Z, this one {new DateTime(local.WrittenTicks, DateTimeKind.Utc):yyyy-MM-dd HH:mm:ss}Z), which stays; give every instance the same file"]), []);
        Opml.OpmlList list;
        try
        {
            list = Opml.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return new(NotApplied([$"{e.Message}; the feeds subscribed already are polled as before"]), []);
        }
        // First applied to this database (or again after an upgrade that could not know which
        // feeds came from it): every feed it lists is the file's, to unsubscribe when it no longer does.
        var result = await feeds.ApplyAsync(list.Feeds, list.LeftOut, (AppliedSetting, local.ToString()), firstApplication: applied is null, ct);
        logger.LogInformation("Applied {Path}: {Added} new subscription(s), {Changed} changed, {Unsubscribed} unsubscribed ({Total} listed)",
            path, result.Added, result.Changed, result.Unsubscribed.Count, list.Feeds.Count);
        foreach (var url in result.Unsubscribed)
            logger.LogInformation("Unsubscribed from {Url}: {Path} no longer lists it (its items stay)", FeedUrl.Masked(url), path);
        // Emptied after it listed feeds (a mistake as often as not): said, since nothing follows.
        // The file as shipped, empty from the start, is no news.
        if (list.Feeds.Count + list.LeftOut.Count == 0 && applied is not null)
            logger.LogWarning("{Path} lists no feeds: nothing was unsubscribed (`aggregator feeds remove URL` unsubscribes)", path);
        return new(NotApplied(list.Problems), result.Unsubscribed);
    }

    /// <summary>For commands that do not apply it (`feeds list`): whether the file has changed
    /// since it was last applied, or cannot be read (and why); null when it is as applied, or absent.</summary>
    public async Task<string?> PendingAsync(CancellationToken ct)
    {
        var path = Path;
        if (!File.Exists(path)) return null;
        try
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path, ct)));
            if (Applied.Parse(await settings.GetAsync(AppliedSetting, ct))?.Hash == hash) return null;
            Opml.Read(path); // a broken file is never applied: waiting for the next poll would not help
            return $"{path} has changes not applied yet; the service applies them at its next poll, `aggregator run-once` at once";
        }
        catch (InvalidDataException e)
        {
            return $"{e.Message}: it cannot be applied until it is fixed; the feeds subscribed already are polled as before";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} cannot be read ({e.Message})";
        }
    }

    /// <summary>The file's path when it lists <paramref name="url"/>: the name, folder and settings
    /// it gives that feed come back the next time it changes, whatever `feeds edit` set. Null when
    /// it does not list it, or is absent or unreadable.</summary>
    public string? Lists(string url)
    {
        var path = Path;
        try
        {
            return File.Exists(path) && Opml.Read(path).Feeds.Any(f => f.Url == url) ? path : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Logged once each, not at every tick of the scheduler while the file stays as it is.</summary>
    private IReadOnlyList<string> NotApplied(IReadOnlyList<string> problems)
    {
        lock (_lock)
        {
            if (!problems.SequenceEqual(_problems))
                foreach (var problem in problems)
                    logger.LogError("Subscription list not applied: {Reason}", problem);
            _problems = problems;
        }
        return problems;
    }
}
