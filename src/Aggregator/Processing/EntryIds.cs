namespace Aggregator.Processing;

/// <summary>Published ids for items without a permanent URL of their own.</summary>
public static class EntryIds
{
    /// <summary>RFC 4151 tag URI from the configured authority and the first content hash the item had;
    /// the store keeps it when the item is later edited, so readers see one entry.</summary>
    public static string For(string authority, string contentHash) => $"tag:{authority}:item:{contentHash.AsSpan(0, 32)}";
}
