namespace Aggregator.Fetching;

/// <summary>Reads one stream after another: puts back the byte peeked to tell zlib from raw deflate.</summary>
internal sealed class ConcatenatedStream(Stream first, Stream second) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = first.Read(buffer, offset, count);
        return n > 0 ? n : second.Read(buffer, offset, count);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await first.ReadAsync(buffer, cancellationToken);
        return n > 0 ? n : await second.ReadAsync(buffer, cancellationToken);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) { first.Dispose(); second.Dispose(); }
        base.Dispose(disposing);
    }
}
