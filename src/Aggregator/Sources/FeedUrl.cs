namespace Aggregator.Sources;

/// <summary>Feed addresses as they are stored: http(s) only, escaped, with an internationalized
/// host in its ASCII (punycode) form, so one feed typed two ways is one subscription.</summary>
public static partial class FeedUrl
{
    /// <returns>The stored form, or null with why it cannot be a feed address ("is not…", to follow the address).</returns>
    public static string? Normalize(string address, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(address.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problem = "is not an http(s) URL";
            return null;
        }
        if (uri.UserInfo.Length > 0)
        {
            // They would be stored in the database and shown by `feeds list`, `feeds export`, /opml
            // and the merged feeds' sources, all in plain text.
            problem = "carries a user name or password, which is not supported: it would be stored and shown in plain text";
            return null;
        }
        return uri.Host == uri.IdnHost ? uri.AbsoluteUri : new UriBuilder(uri) { Host = uri.IdnHost }.Uri.AbsoluteUri;
    }

    /// <summary>An address as it may be echoed in a message: whatever precedes an @ in its
    /// authority (a user name and password) left out.</summary>
    public static string Masked(string address) => Credentials().Replace(address, "$1…@");

    [System.Text.RegularExpressions.GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@")]
    private static partial System.Text.RegularExpressions.Regex Credentials();
}
