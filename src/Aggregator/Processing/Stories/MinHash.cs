namespace Aggregator.Processing.Stories;

/// <summary>A fixed-size sketch of a shingle set whose agreement estimates the Jaccard similarity
/// of two sets (Broder's MinHash). Built with one-permutation hashing (Li, Owen and Zhang 2012):
/// each shingle is hashed once and kept as the minimum of one of the slots, so a
/// sketch costs one hash per shingle rather than one per shingle and slot; empty slots of short
/// texts borrow from the next filled slot (rotation densification, Shrivastava and Li 2014), so
/// any two sketches stay comparable slot by slot.</summary>
public static class MinHash
{
    /// <summary>Fills <paramref name="slots"/> (a power of two up to 64 of them) with the sketch of a set of distinct shingles.</summary>
    public static void Sketch(ReadOnlySpan<ulong> shingles, Span<ulong> slots)
    {
        var count = slots.Length;
        if (count is < 2 or > 64 || (count & (count - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(slots), "a power of two up to 64");
        var bits = System.Numerics.BitOperations.Log2((uint)count);
        slots.Fill(ulong.MaxValue);
        if (shingles.Length == 0) return;
        foreach (var shingle in shingles)
        {
            var h = Hashing.Mix(shingle ^ 0x5851F42D4C957F2DUL);
            var slot = (int)(h >> (64 - bits)); // the top bits choose the slot, the rest compete in it
            var value = h & 0x03FF_FFFF_FFFF_FFFFUL;
            if (value < slots[slot]) slots[slot] = value;
        }
        for (var i = 0; i < count; i++)
        {
            if (slots[i] != ulong.MaxValue) continue;
            for (var distance = 1; distance < count; distance++)
            {
                var from = slots[(i + distance) % count];
                if (from == ulong.MaxValue || from >= 0x0400_0000_0000_0000UL) continue; // empty, or itself borrowed
                slots[i] = 0x0400_0000_0000_0000UL + ((ulong)distance << 52) + (from & 0x000F_FFFF_FFFF_FFFFUL);
                break;
            }
        }
    }
}
