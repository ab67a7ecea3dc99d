using Aggregator.Fetching;

namespace Aggregator.Sources;

/// <summary>Feed addresses as they are stored: http(s) only, escaped, with an internationalized
/// host in its ASCII (punycode) form, so one feed typed two ways is one subscription.</summary>
public static partial class FeedUrl
{
    /// <returns>The stored form, or null with why it cannot be a feed address ("is not…", to follow the address).</returns>
    public static string? Normalize(string address, out string? problem) => Parse(address, out _, out problem);

    /// <summary>The stored form, and the user name and password an address carries
    /// (https://user:password@host/feed, as newsboat and FreshRSS take them): those are stored
    /// apart from the address, which is then listed, exported and published without them.</summary>
    public static string? Parse(string address, out FeedCredentials? credentials, out string? problem)
    {
        (credentials, problem) = (null, null);
        if (!Uri.TryCreate(WithUserInfoEscaped(address.Trim()), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problem = "is not an http(s) URL";
            return null;
        }
        // The fragment is never sent to the server, and "feed.xml?" asks for what "feed.xml" does:
        // without them, the same feed is not subscribed twice under two addresses.
        var bare = uri.Fragment.Length == 0 && !uri.AbsoluteUri.EndsWith('?');
        if (uri.Host == uri.IdnHost && uri.UserInfo.Length == 0 && bare) return uri.AbsoluteUri;
        var builder = new UriBuilder(uri) { Host = uri.IdnHost, Fragment = "" };
        if (builder.Query == "?") builder.Query = "";
        if (uri.UserInfo.Length > 0)
        {
            var pair = uri.UserInfo.Split(':', 2);
            credentials = new FeedCredentials(Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : "");
            (builder.UserName, builder.Password) = ("", "");
        }
        return builder.Uri.AbsoluteUri;
    }

    /// <summary>feed://host/… and feed:https://… (how browsers once handed a feed to a reader, and
    /// what older subscription lists keep) as the http(s) address they stand for.</summary>
    public static string WithoutFeedScheme(string address) =>
        !address.StartsWith("feed:", StringComparison.OrdinalIgnoreCase) ? address
        : address[5..].StartsWith("//", StringComparison.Ordinal) ? "http:" + address[5..] : address[5..];

    /// <summary>A password with an @ in it, typed unescaped (https://alice:p@ss@host/feed): the
    /// host follows the last @ of the authority, as browsers and curl read it.</summary>
    private static string WithUserInfoEscaped(string address)
    {
        var authority = address.IndexOf("://", StringComparison.Ordinal) is var s and >= 0 ? s + 3 : -1;
        if (authority < 0) return address;
        var end = address.IndexOfAny(['/', '?', '#'], authority) is var e and >= 0 ? e : address.Length;
        var last = address.LastIndexOf('@', end - 1, end - authority);
        return last < 0 || address.IndexOf('@', authority, last - authority) < 0 ? address
            : string.Concat(address.AsSpan(0, authority), address[authority..last].Replace("@", "%40", StringComparison.Ordinal), address.AsSpan(last));
    }

    /// <summary>An address as it may be echoed in a message: whatever precedes the last @ in its
    /// authority (a user name and password) left out, also behind feed: and without a scheme. A
    /// ? or # typed in a password is taken as part of it here, not as the query's start: hiding
    /// too much of a mistyped address beats showing a password. (A / ends it: Medium's addresses
    /// have an @ in their path.)</summary>
    public static string Masked(string address) => Credentials().Replace(address, "$1…@");

    /// <summary>Whether the address's query carries what looks like a secret: a private or paid
    /// feed's key or token (?apikey=, ?access_token=, ?key=, ?sig=…), the commonest way such feeds
    /// authenticate. Those addresses are not published (the sources list, an entry's source
    /// feed): anyone could read the feed with them. A parameter named like one by chance only
    /// keeps a public feed's address out of those.</summary>
    public static bool CarriesSecret(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Query.Length < 2) return false;
        foreach (var pair in uri.Query[1..].Split('&'))
        {
            var name = Uri.UnescapeDataString(pair.Split('=', 2)[0]).Trim().ToLowerInvariant();
            if (SecretName().IsMatch(name)) return true;
        }
        return false;
    }

    /// <summary>The address without its query when the query carries a key: what links in a
    /// feed's entries resolve against. "#fn1" or "" resolved against the feed's own address copied
    /// its key into the published entries (a re-audit's finding).</summary>
    public static Uri WithoutSecrets(Uri address) =>
        CarriesSecret(address.AbsoluteUri) ? new UriBuilder(address) { Query = "", Fragment = "" }.Uri : address;

    /// <summary>A source's address as it may be shown to readers in place of its name: its host
    /// alone when the address carries a key.</summary>
    public static string Shown(string locator) => CarriesSecret(locator) ? new Uri(locator).Host : locator;

    [System.Text.RegularExpressions.GeneratedRegex(@"(key|token|secret|passw(or)?d|pwd|signature|session(id)?)$|^(sig|sid|auth|pass|private)$")]
    private static partial System.Text.RegularExpressions.Regex SecretName();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\s*(?:feed:)?(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/]*@")]
    private static partial System.Text.RegularExpressions.Regex Credentials();
}
