namespace Aggregator.Fetching;

/// <summary>Reads one stream after another: puts back the bytes peeked to tell zlib from raw
/// deflate, or gzip from a body labelled gzip that is not.</summary>
internal sealed class ConcatenatedStream(Stream first, Stream second) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer)
    {
        var n = first.Read(buffer);
        return n > 0 ? n : second.Read(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await first.ReadAsync(buffer, cancellationToken);
        return n > 0 ? n : await second.ReadAsync(buffer, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { first.Dispose(); second.Dispose(); }
        base.Dispose(disposing);
    }
}
