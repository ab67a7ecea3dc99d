using System.Buffers;

namespace Aggregator.Fetching;

/// <summary>Reads a response body within the limit, undoing the content codings the server
/// applied (in the reverse order of its Content-Encoding list), so the limit applies to the
/// decompressed bytes while they are read: a gzip bomb stops at the limit.</summary>
internal static class BodyReader
{
    public const int MaxCodings = 5;

    /// <summary>How much of a body labelled deflate is tried as deflate data when it begins like
    /// markup: enough for the block headers that plain text breaks.</summary>
    private const int DeflateProbe = 4096;

    /// <summary>Markup first, after a BOM, and (when <paramref name="afterBlankLines"/>) after the
    /// blank lines PHP feeds often begin with: not for brotli, whose streams can begin with those bytes.</summary>
    private static bool BeginsWithMarkup(ReadOnlySpan<byte> start, bool afterBlankLines = false)
    {
        if (start is [0xEF, 0xBB, 0xBF, ..]) start = start[3..];
        if (afterBlankLines) start = start.TrimStart(" \t\r\n"u8);
        return start is [(byte)'<', ..];
    }

    /// <returns>The body, and when the server sent it gzipped (and nothing else), its bytes as sent.</returns>
    public static async Task<(byte[] Body, byte[]? Gzipped)> ReadAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        var codings = response.Content.Headers.ContentEncoding
            .Select(c => c.Trim().ToLowerInvariant())
            .Where(c => c is not ("" or "identity"))
            .ToList();
        // Each coding is a decoder wrapped around the last: thousands of them (one header of
        // "gzip,gzip,…") overflowed the stack and took the whole process down. Servers stack two
        // at most; curl refuses more than five.
        if (codings.Count > MaxCodings)
            throw new BodyException($"the server sent {codings.Count} content codings one on another (Content-Encoding: {string.Join(", ", codings.Take(3))}, …); at most {MaxCodings} are undone");
        if (codings.FirstOrDefault(c => !ContentDecoding.IsKnown(c)) is { } unknown)
            throw new BodyException($"the server sent Content-Encoding \"{unknown}\", which cannot be decoded (gzip, deflate and br can, and only those are asked for)");
        var declared = response.Content.Headers.ContentLength;
        if (codings.Count == 0 && declared > max)
            throw new BodyException($"the body is {declared:N0} bytes, over the limit of {max:N0} (Aggregator:Fetching:MaxBodyBytes)");

        Stream raw = await response.Content.ReadAsStreamAsync(ct);
        if (codings is ["gzip" or "x-gzip" or "br" or "deflate"])
        {
            // Labelled compressed but not (a server or CDN that labels what it did not compress):
            // read as sent, as feedparser does, rather than failing the feed as corrupt. gzip says
            // so by its magic bytes; a brotli body by beginning with markup, which no brotli stream
            // can (its first byte would set a reserved bit). Raw deflate can begin with "<", so a
            // body labelled deflate that begins with markup is read as sent only when its start
            // is not deflate data either.
            var start = new byte[codings[0] == "deflate" ? DeflateProbe : 4];
            var peeked = 0;
            while (peeked < start.Length && await raw.ReadAsync(start.AsMemory(peeked), ct) is var n and > 0) peeked += n;
            raw = new ConcatenatedStream(new MemoryStream(start, 0, peeked), raw);
            var begun = start.AsSpan(0, peeked);
            var plain = codings[0] switch
            {
                "gzip" or "x-gzip" => peeked > 0 && !(peeked >= 2 && start[0] == 0x1F && start[1] == 0x8B),
                "br" => BeginsWithMarkup(begun),
                _ => BeginsWithMarkup(begun, afterBlankLines: true) && !ContentDecoding.CouldBeDeflate(begun),
            };
            if (plain) codings.Clear();
        }
        await using var received = raw;
        // The server's gzip is kept to be stored as it is: compressing every body again was 0.12 s
        // of a cold cycle over 1000 feeds (docs/benchmarks.md).
        var recording = codings is ["gzip" or "x-gzip"] ? new RecordingStream(raw, max + 1) : null;
        var stream = recording ?? raw;
        for (var i = codings.Count - 1; i >= 0; i--) // the coding applied last is undone first
            stream = await ContentDecoding.DecodeAsync(codings[i], stream, ct);
        await using var _ = stream;

        // Read into pooled buffers that double as needed, and copy out once at the exact size: a
        // growing MemoryStream plus a chunk array allocated five times a feed's size, the largest
        // part of what a cold cycle allocated outside parsing. Never more than max + 1 bytes are held.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(codings.Count == 0 && declared is { } d ? d + 1 : 64 * 1024, 1, max + 1L));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, max + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0) break;
                length += read;
                if (length > max)
                    throw new BodyException($"the body is over the limit of {max:N0} bytes{(codings.Count == 0 ? "" : " after decompression")} (Aggregator:Fetching:MaxBodyBytes); reading stopped there");
            }
            return (buffer.AsSpan(0, length).ToArray(), recording?.Recorded);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>A body that cannot be taken: over the limit, in a coding we cannot undo, or cut off.
/// The message says which, for `feeds list`.</summary>
internal sealed class BodyException(string message) : Exception(message);
