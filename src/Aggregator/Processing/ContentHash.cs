using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Processing;

/// <summary>SHA-256 over the comparison form of title and body: the identity of a piece of content,
/// whoever carries it. The database keeps one item per hash.</summary>
public static class ContentHash
{
    public static string Of(string title, string body)
    {
        var text = TextNormalizer.ForComparison(title) + "\n" + TextNormalizer.ForComparison(body);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
