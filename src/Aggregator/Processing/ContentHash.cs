using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Processing;

/// <summary>SHA-256 over the comparison form of title and body: the identity of a piece of content,
/// whoever carries it. The database keeps one item per hash.</summary>
public static class ContentHash
{
    public static string Of(string title, string body) =>
        OfComparable(TextNormalizer.ForComparison(title), TextNormalizer.ForComparison(body));

    /// <param name="title">The title in comparison form (TextNormalizer.ForComparison).</param>
    /// <param name="body">The body in comparison form.</param>
    public static string OfComparable(string title, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(title + "\n" + body)));
}
