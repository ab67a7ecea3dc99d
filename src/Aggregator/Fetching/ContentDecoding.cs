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

    private static BodyException CutOff(string coding) =>
        new($"the {coding} body stops before its end: it was cut off on the way (the server or a proxy sent it incomplete)");

    /// <summary>gzip ends with the length of what it decompresses to, modulo 2³² (ISIZE, RFC 1952 §2.3.1).</summary>
    private sealed class GzipBodyStream : DecodedStream
    {
        private readonly TailStream _input;
        private long _length;

        public GzipBodyStream(Stream compressed) : this(new TailStream(compressed)) { }

        private GzipBodyStream(TailStream input) : base(new GZipStream(input, CompressionMode.Decompress)) => _input = input;

        protected override void Took(ReadOnlySpan<byte> decoded) => _length += decoded.Length;

        protected override void Ended()
        {
            if (_input.Total < 18 || BinaryPrimitives.ReadUInt32LittleEndian(_input.Tail[4..]) != (uint)_length)
                throw CutOff("gzip");
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
            if (_input.Total < 6 || BinaryPrimitives.ReadUInt32BigEndian(_input.Tail[4..]) != (_b << 16 | _a))
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
        private bool _done;

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
            if (read == 0) throw CutOff("brotli");
            _end += read;
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

    /// <summary>Reads through and keeps the last 8 bytes that passed: where gzip and zlib put their trailers.</summary>
    private sealed class TailStream(Stream inner) : ReadOnlyStream
    {
        private readonly byte[] _tail = new byte[8];
        public long Total { get; private set; }
        public ReadOnlySpan<byte> Tail => _tail;

        public override int Read(Span<byte> buffer) => Keep(buffer, inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var read = await inner.ReadAsync(buffer, ct);
            return Keep(buffer.Span, read);
        }

        private int Keep(ReadOnlySpan<byte> buffer, int read)
        {
            if (read >= 8) buffer.Slice(read - 8, 8).CopyTo(_tail);
            else if (read > 0)
            {
                _tail.AsSpan(read).CopyTo(_tail); // shift left by what came
                buffer[..read].CopyTo(_tail.AsSpan(8 - read));
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
