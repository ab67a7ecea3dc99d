using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Aggregator.Fetching;

/// <summary>Undoes one HTTP content coding. .NET's decompressing streams return a body that was
/// cut off in transfer as if it had ended (a proxy's truncated cache entry, a server killed
/// mid-response with a matching Content-Length): half a feed would be taken for the whole one
/// and its missing entries never looked for again. So each coding here checks that its data
/// really ended: gzip by the length in its trailer, zlib by its Adler-32 checksum, brotli by the
/// decoder reaching the end of its stream. Raw deflate has no end marker to check.</summary>
internal static class ContentDecoding
{
    public static bool IsKnown(string coding) => coding is "gzip" or "x-gzip" or "deflate" or "br";

    public static async Task<Stream> DecodeAsync(string coding, Stream compressed, CancellationToken ct) => coding switch
    {
        "gzip" or "x-gzip" => new GzipBodyStream(compressed),
        "br" => new BrotliBodyStream(compressed),
        "deflate" => await DeflateAsync(compressed, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "not a coding this reader undoes"),
    };

    /// <summary>HTTP "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2), but servers also send raw
    /// deflate: the low four bits of zlib's first byte are 8 (the deflate method).</summary>
    private static async Task<Stream> DeflateAsync(Stream compressed, CancellationToken ct)
    {
        var first = new byte[1];
        var peeked = await compressed.ReadAsync(first, ct);
        var joined = new ConcatenatedStream(new MemoryStream(first, 0, peeked), compressed);
        return peeked == 1 && (first[0] & 0x0F) == 8 ? new ZlibBodyStream(joined) : new DeflateStream(joined, CompressionMode.Decompress);
    }

    /// <summary>Whether these first bytes of a body can begin zlib or raw deflate data: decoding
    /// them meets no invalid block (data that stops early is fine; the rest has not come yet).</summary>
    public static bool CouldBeDeflate(ReadOnlySpan<byte> start)
    {
        var bytes = start.ToArray();
        using var decoder = (bytes.Length > 0 && (bytes[0] & 0x0F) == 8)
            ? (Stream)new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress)
            : new DeflateStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var sink = new byte[16 * 1024];
        try
        {
            // Plain text breaks a block header within its first bytes; a few reads settle it.
            for (var reads = 0; reads < 64 && decoder.Read(sink) > 0; reads++) { }
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static BodyException CutOff(string coding) =>
        new($"the {coding} body stops before its end: it was cut off on the way (the server or a proxy sent it incomplete)");

    /// <summary>gzip ends with the length of what it decompresses to, modulo 2³² (ISIZE, RFC 1952 §2.3.1).
    /// What servers also send, and .NET reads, is let through: an empty body (the parser then
    /// says so), a few bytes of padding after the trailer (NULs, a line break), and several gzip
    /// members one after another, whose last trailer counts only the last member.</summary>
    private sealed class GzipBodyStream : DecodedStream
    {
        private readonly TailStream _input;
        private long _length;

        public GzipBodyStream(Stream compressed) : this(new TailStream(compressed)) { }

        private GzipBodyStream(TailStream input) : base(new GZipStream(input, CompressionMode.Decompress)) => _input = input;

        protected override void Took(ReadOnlySpan<byte> decoded) => _length += decoded.Length;

        protected override void Ended()
        {
            if (_input.Total == 0) return;
            var tail = _input.Tail;
            if (_input.Total < 18) throw CutOff("gzip");
            if (Fits(tail)) return;
            // Padding after the trailer (NULs, a line break), tried only when the plain ending
            // does not fit: a length's own high bytes are NULs too.
            for (var end = tail.Length - 1; end >= 8 && tail[end] is 0 or (byte)'\n' or (byte)'\r' or (byte)' '; end--)
                if (Fits(tail[..end])) return;
            throw CutOff("gzip");
        }

        private bool Fits(ReadOnlySpan<byte> ending)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(ending[^4..]);
            // Several members: the last one's length is part of the whole, and a member header
            // (1F 8B 08) was seen after the first. A cut-off stream would need its last four bytes
            // to fall under the length and such a header inside its compressed data by chance.
            return size == (uint)_length || (_input.Members > 1 && size <= _length);
        }
    }

    /// <summary>zlib ends with the Adler-32 checksum of what it decompresses to (RFC 1950 §2.2).</summary>
    private sealed class ZlibBodyStream : DecodedStream
    {
        private const uint Modulus = 65521;
        private readonly TailStream _input;
        private uint _a = 1, _b;

        public ZlibBodyStream(Stream compressed) : this(new TailStream(compressed)) { }

        private ZlibBodyStream(TailStream input) : base(new ZLibStream(input, CompressionMode.Decompress)) => _input = input;

        protected override void Took(ReadOnlySpan<byte> decoded)
        {
            // 5552 bytes is the most that can be summed before the 32-bit sums could overflow (zlib's NMAX).
            for (var start = 0; start < decoded.Length; start += 5552)
            {
                foreach (var b in decoded.Slice(start, Math.Min(5552, decoded.Length - start)))
                {
                    _a += b;
                    _b += _a;
                }
                _a %= Modulus;
                _b %= Modulus;
            }
        }

        protected override void Ended()
        {
            if (_input.Total == 0) return;
            if (_input.Total < 6 || BinaryPrimitives.ReadUInt32BigEndian(_input.Tail[^4..]) != (_b << 16 | _a))
                throw CutOff("deflate");
        }
    }

    /// <summary>Brotli through the decoder itself, which says whether its stream reached its end
    /// (BrotliStream does not).</summary>
    private sealed class BrotliBodyStream(Stream compressed) : ReadOnlyStream
    {
        private BrotliDecoder _decoder;
        private readonly byte[] _input = ArrayPool<byte>.Shared.Rent(16 * 1024);
        private int _start, _end;
        private bool _done, _any;

        public override int Read(Span<byte> buffer)
        {
            while (true)
            {
                if (Step(buffer, out var written)) return written;
                Fill(compressed.Read(_input, _end, _input.Length - _end));
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            while (true)
            {
                if (Step(buffer.Span, out var written)) return written;
                Fill(await compressed.ReadAsync(_input.AsMemory(_end), ct));
            }
        }

        /// <returns>False when the decoder needs more input before it can give anything.</returns>
        private bool Step(Span<byte> buffer, out int written)
        {
            written = 0;
            if (_done || buffer.IsEmpty) return true;
            var status = _decoder.Decompress(_input.AsSpan(_start, _end - _start), buffer, out var consumed, out written);
            _start += consumed;
            if (status == OperationStatus.InvalidData) throw new InvalidDataException("the brotli data is invalid");
            if (status == OperationStatus.Done) _done = true;
            if (written > 0 || _done) return true;
            _input.AsSpan(_start, _end - _start).CopyTo(_input); // keep what is left for the next call
            (_start, _end) = (0, _end - _start);
            return false;
        }

        private void Fill(int read)
        {
            if (read == 0 && !_any) _done = true; // an empty body: the parser says so
            else if (read == 0) throw CutOff("brotli");
            _end += read;
            _any |= read > 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _decoder.Dispose();
                ArrayPool<byte>.Shared.Return(_input);
                compressed.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>A decompressing stream whose output is watched: each piece it gives, then its end.</summary>
    private abstract class DecodedStream(Stream decoder) : ReadOnlyStream
    {
        private bool _ended;

        public override int Read(Span<byte> buffer) => Watch(buffer, decoder.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var read = await decoder.ReadAsync(buffer, ct);
            return Watch(buffer.Span, read);
        }

        private int Watch(ReadOnlySpan<byte> buffer, int read)
        {
            if (read > 0) Took(buffer[..read]);
            else if (!buffer.IsEmpty && !_ended)
            {
                _ended = true;
                Ended();
            }
            return read;
        }

        protected abstract void Took(ReadOnlySpan<byte> decoded);

        /// <summary>Throws when what came does not end the way the coding says it must.</summary>
        protected abstract void Ended();

        protected override void Dispose(bool disposing)
        {
            if (disposing) decoder.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Reads through and keeps the last bytes that passed (where gzip and zlib put their
    /// trailers, with room for padding after), and counts gzip member headers.</summary>
    private sealed class TailStream(Stream inner) : ReadOnlyStream
    {
        private static readonly byte[] GzipHeader = [0x1F, 0x8B, 0x08];
        private readonly byte[] _tail = new byte[72];
        private byte _previous1, _previous2;
        public long Total { get; private set; }
        public int Members { get; private set; }
        public ReadOnlySpan<byte> Tail => Total >= _tail.Length ? _tail : _tail.AsSpan(_tail.Length - (int)Total);

        public override int Read(Span<byte> buffer) => Keep(buffer, inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var read = await inner.ReadAsync(buffer, ct);
            return Keep(buffer.Span, read);
        }

        private int Keep(ReadOnlySpan<byte> buffer, int read)
        {
            var data = buffer[..read];
            if (read == 0) return 0;
            // Headers split across reads: the two bytes before this read, then the read.
            if ((_previous1 == 0x1F && _previous2 == 0x8B && data[0] == 0x08) || (_previous2 == 0x1F && data.Length > 1 && data[0] == 0x8B && data[1] == 0x08)) Members++;
            for (var at = data.IndexOf(GzipHeader); at >= 0; at = data[(at + 1)..].IndexOf(GzipHeader) is var next and >= 0 ? at + 1 + next : -1)
                Members++;
            (_previous1, _previous2) = read >= 2 ? (data[^2], data[^1]) : (_previous2, data[0]);
            var n = _tail.Length;
            if (read >= n) data[^n..].CopyTo(_tail);
            else
            {
                _tail.AsSpan(read).CopyTo(_tail); // shift left by what came
                data.CopyTo(_tail.AsSpan(n - read));
            }
            Total += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
