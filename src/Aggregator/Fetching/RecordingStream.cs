using System.Buffers;

namespace Aggregator.Fetching;

/// <summary>Reads through to another stream and keeps a copy of what passed, up to a limit:
/// a gzip body as the server sent it, stored as it is instead of being compressed again.</summary>
internal sealed class RecordingStream(Stream inner, int limit) : ReadOnlyStream
{
    private byte[]? _copy = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _length;
    private bool _ended;

    /// <summary>Everything the stream carried, once it was read to its end without going over
    /// the limit; otherwise null.</summary>
    public byte[]? Recorded => _ended && _copy is not null ? _copy.AsSpan(0, _length).ToArray() : null;

    public override int Read(Span<byte> buffer) => Keep(buffer, inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var read = await inner.ReadAsync(buffer, ct);
        return Keep(buffer.Span, read);
    }

    private int Keep(ReadOnlySpan<byte> buffer, int read)
    {
        if (read == 0) _ended = true;
        if (_copy is null || read == 0) return read;
        if (_length + read > limit)
        {
            Drop(); // a body this large is compressed again, as any other
            return read;
        }
        if (_length + read > _copy.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(2 * _copy.Length, _length + read), limit));
            _copy.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_copy);
            _copy = larger;
        }
        buffer[..read].CopyTo(_copy.AsSpan(_length));
        _length += read;
        return read;
    }

    private void Drop()
    {
        if (_copy is not null) ArrayPool<byte>.Shared.Return(_copy);
        _copy = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Drop();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        Drop();
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
