namespace Aggregator.Processing.Stories;

/// <summary>Fast, stable 64-bit hashing for shingles and signatures: the SplitMix64 finalizer
/// (Steele, Lea and Flood), and FNV-1a over characters feeding it. Stable across processes and
/// versions, unlike string.GetHashCode, because signatures are stored.</summary>
public static class Hashing
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // called per token, several times
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Of(ReadOnlySpan<char> text)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in text)
            h = (h ^ c) * 0x100000001B3UL;
        return Mix(h);
    }
}
