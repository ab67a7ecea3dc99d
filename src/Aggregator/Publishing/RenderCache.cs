using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Publishing;

/// <summary>One rendered response: its bytes, their validators and compressed forms.</summary>
public sealed class Rendered(byte[] body, string contentType, string etag, DateTimeOffset lastModified)
{
    private byte[]? _gzip, _brotli;

    public byte[] Body { get; } = body;
    public string ContentType { get; } = contentType;
    /// <summary>Strong validator of the identity bytes: a hash, so a re-render with the same
    /// output keeps it and readers keep getting 304.</summary>
    public string ETag { get; } = etag;
    public DateTimeOffset LastModified { get; } = lastModified;

    /// <summary>Compressed once, on first demand, then reused by every request.</summary>
    public byte[] Gzip => _gzip ??= Compress(s => new GZipStream(s, CompressionLevel.Optimal));
    public byte[] Brotli => _brotli ??= Compress(s => new BrotliStream(s, CompressionLevel.Optimal));

    public long Size => Body.Length + (_gzip?.Length ?? 0) + (_brotli?.Length ?? 0);

    private byte[] Compress(Func<Stream, Stream> wrap)
    {
        using var buffer = new MemoryStream();
        using (var stream = wrap(buffer)) stream.Write(Body);
        return buffer.ToArray();
    }

    public static string TagOf(byte[] body) => "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"";
}

/// <summary>Feeds and pages are rendered once per change of the database, not once per request:
/// a feed reader fleet polling /feeds/all.atom is served from memory. A change is noticed
/// through SQLite's data_version (bumped by every commit of any other connection, including
/// other processes such as `aggregator import`), read at most every half second.</summary>
public sealed class RenderCache(Database database, TimeProvider time, IOptions<AggregatorOptions> options) : IAsyncDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _versionLock = new(1, 1);
    private System.Data.Common.DbConnection? _watcher;
    private long _version = -1;
    private long _checkedAt;
    private long _bytes;

    private sealed record Entry(long Version, Task<Rendered> Rendering);

    /// <summary>The cached rendering of <paramref name="key"/>, rendered anew when the database
    /// changed since. Concurrent requests for a stale key share one rendering.</summary>
    public async Task<Rendered> GetAsync(string key, Func<CancellationToken, Task<(byte[] Body, string ContentType)>> render, CancellationToken ct)
    {
        var version = await VersionAsync(ct);
        while (true)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Version == version && !entry.Rendering.IsFaulted && !entry.Rendering.IsCanceled)
                return await entry.Rendering.WaitAsync(ct);
            var fresh = new Entry(version, RenderAsync(entry, render));
            var won = entry is null ? _entries.TryAdd(key, fresh) : _entries.TryUpdate(key, fresh, entry);
            if (!won) continue;
            var rendered = await fresh.Rendering.WaitAsync(ct);
            Account(rendered, entry);
            return rendered;
        }
    }

    private async Task<Rendered> RenderAsync(Entry? previous, Func<CancellationToken, Task<(byte[] Body, string ContentType)>> render)
    {
        // Rendering is not cancelled with the request that started it: others may be waiting on it.
        var (body, contentType) = await render(CancellationToken.None);
        var etag = Rendered.TagOf(body);
        if (previous is { Rendering.IsCompletedSuccessfully: true } && previous.Rendering.Result is { } old && old.ETag == etag)
            return old;
        var now = time.GetUtcNow();
        var lastModified = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        // HTTP dates have whole seconds: a second version within the same second must still
        // look newer to If-Modified-Since.
        if (previous is { Rendering.IsCompletedSuccessfully: true } && previous.Rendering.Result.LastModified >= lastModified)
            lastModified = previous.Rendering.Result.LastModified.AddSeconds(1);
        return new Rendered(body, contentType, etag, lastModified);
    }

    private void Account(Rendered rendered, Entry? replaced)
    {
        var added = rendered.Body.Length * 2L; // room for the compressed forms
        if (replaced is { Rendering.IsCompletedSuccessfully: true }) added -= replaced.Rendering.Result.Body.Length * 2L;
        if (Interlocked.Add(ref _bytes, added) <= options.Value.Publishing.CacheMegabytes * 1024L * 1024) return;
        // Over budget (many distinct queries): start again empty rather than track recency per request.
        _entries.Clear();
        Interlocked.Exchange(ref _bytes, 0);
    }

    private async ValueTask<long> VersionAsync(CancellationToken ct)
    {
        var now = time.GetTimestamp();
        if (now - Interlocked.Read(ref _checkedAt) < CheckEvery.TotalSeconds * time.TimestampFrequency)
            return Interlocked.Read(ref _version);
        await _versionLock.WaitAsync(ct);
        try
        {
            if (time.GetTimestamp() - _checkedAt < CheckEvery.TotalSeconds * time.TimestampFrequency) return _version;
            // SQLite: a connection of its own, never returned to the pool: data_version only
            // counts the commits of connections other than the one asking. PostgreSQL: the
            // counter every serialized write adds to (postgres/0007_claims.sql), so a page is
            // fresh whichever instance stored the items.
            _watcher ??= await database.OpenDedicatedAsync(ct);
            await using var command = _watcher.CreateCommand();
            command.CommandText = database.IsPostgres ? "SELECT version FROM data_version" : "PRAGMA data_version";
            var version = (long)(await command.ExecuteScalarAsync(ct))!;
            Interlocked.Exchange(ref _version, version);
            Interlocked.Exchange(ref _checkedAt, time.GetTimestamp());
            return version;
        }
        finally
        {
            _versionLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_watcher is not null) await _watcher.DisposeAsync();
        _versionLock.Dispose();
    }
}
