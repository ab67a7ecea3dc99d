using System.IO.Compression;

namespace Aggregator.Storage;

/// <summary>The stored form of a feed's raw bytes: gzip at its fastest level, which takes a
/// 65 KB feed to about a quarter in well under a millisecond, on the parsing cores rather
/// than on the one writer.</summary>
public static class FeedBodies
{
    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream(raw.Length / 3 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(raw);
        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] stored)
    {
        using var input = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
        using var output = new MemoryStream(stored.Length * 4);
        input.CopyTo(output);
        return output.ToArray();
    }
}
