using System.Numerics;

namespace Aggregator.Processing.Stories;

/// <summary>Shingle sets as plain arrays of distinct hashes, made and compared through a hash
/// table each thread reuses. Sorting each set (to dedupe it and to count overlaps by a merge) was
/// the largest single cost in a profile of fingerprinting, and most sets are never compared with
/// any other.</summary>
public static class ShingleSet
{
    [ThreadStatic] private static ulong[]? _table;

    /// <summary>The distinct values of <paramref name="hashes"/> in order of first appearance (the
    /// span is reused as scratch).</summary>
    public static ulong[] Distinct(Span<ulong> hashes)
    {
        var table = Table(hashes.Length, out var mask);
        var distinct = 0;
        var zero = false; // 0 marks an empty slot, so a hash of 0 is tracked apart
        foreach (var h in hashes)
        {
            if (h == 0)
            {
                if (!zero) hashes[distinct++] = 0;
                zero = true;
                continue;
            }
            if (Insert(table, mask, h)) hashes[distinct++] = h; // distinct ≤ the index read: safe in place
        }
        return hashes[..distinct].ToArray();
    }

    /// <summary>How many values two sets of distinct values have in common.</summary>
    public static int Shared(ulong[] a, ulong[] b)
    {
        var (small, large) = a.Length <= b.Length ? (a, b) : (b, a);
        var table = Table(small.Length, out var mask);
        var zero = false;
        foreach (var h in small)
            if (h == 0) zero = true;
            else Insert(table, mask, h);
        var shared = 0;
        foreach (var h in large)
            if (h == 0 ? zero : Contains(table, mask, h)) shared++;
        return shared;
    }

    /// <summary>A cleared table with at least twice as many slots as values, a power of two.</summary>
    private static ulong[] Table(int values, out int mask)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, 2 * values));
        if (_table is null || _table.Length < size) _table = new ulong[Math.Max(size, 1024)];
        _table.AsSpan(0, size).Clear();
        mask = size - 1;
        return _table;
    }

    /// <summary>Adds a value (not 0) by linear probing; false when it was there already. The
    /// values are hashes already, so their low bits pick the slot.</summary>
    private static bool Insert(ulong[] table, int mask, ulong value)
    {
        for (var slot = (int)value & mask; ; slot = (slot + 1) & mask)
        {
            if (table[slot] == value) return false;
            if (table[slot] == 0)
            {
                table[slot] = value;
                return true;
            }
        }
    }

    private static bool Contains(ulong[] table, int mask, ulong value)
    {
        for (var slot = (int)value & mask; ; slot = (slot + 1) & mask)
        {
            if (table[slot] == value) return true;
            if (table[slot] == 0) return false;
        }
    }
}
