namespace Aggregator.Processing;

/// <summary>Published ids for items without a permanent URL of their own.</summary>
public static class EntryIds
{
    /// <summary>RFC 4151 tag URI from the configured authority and the first content hash the item had;
    /// the store keeps it when the item is later edited, so readers see one entry.</summary>
    public static string For(string authority, string contentHash) => $"tag:{authority}:item:{contentHash.AsSpan(0, 32)}";

    /// <summary>An id made by <see cref="For"/>, for another content hash.</summary>
    public static string WithHash(string entryId, string contentHash) => string.Concat(entryId.AsSpan(0, entryId.Length - 32), contentHash.AsSpan(0, 32));

    /// <summary>The ids an item may take, in order of preference: its own (<paramref name="entryId"/>,
    /// made by <see cref="For"/>), then with the rest of its hash, then that numbered. An item
    /// corrected in place keeps the id of its first text; when that text is published again
    /// it is a new item, and the id is taken.</summary>
    public static IEnumerable<string> Candidates(string entryId, string contentHash)
    {
        yield return entryId;
        var full = entryId + contentHash[32..];
        yield return full;
        for (var n = 2; ; n++) yield return $"{full}-{n}";
    }
}
