using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Processing;

/// <summary>SHA-256 over the comparison form of title and body: the identity of a piece of content,
/// whoever carries it. The database keeps one item per hash.</summary>
public static class ContentHash
{
    public static string Of(string title, string body) =>
        OfComparable(TextNormalizer.ForComparison(title), TextNormalizer.ForComparison(body));

    /// <param name="title">The title in comparison form (TextNormalizer.ForComparison).</param>
    /// <param name="body">The body in comparison form.</param>
    public static string OfComparable(string title, string body)
    {
        // The UTF-8 of title + "\n" + body, encoded into one pooled buffer: joining the strings
        // and encoding them into a fresh array copied every entry twice for one hash.
        var length = Encoding.UTF8.GetByteCount(title) + 1 + Encoding.UTF8.GetByteCount(body);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(title, buffer);
            buffer[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(body, buffer.AsSpan(written));
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The identity of an entry whose content equals another entry of the same source:
    /// two "[속보]" alerts with the same headline months apart, two "Photo of the day" posts with
    /// no text. The source itself says they are two (two keys at once, or far apart in time), so
    /// they are two items, not one item the source carries twice.</summary>
    public static string OfEntry(string contentHash, string entryKey) => OfComparable(contentHash, entryKey);
}
