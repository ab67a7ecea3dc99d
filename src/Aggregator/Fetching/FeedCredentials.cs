using System.Net.Http.Headers;
using System.Text;

namespace Aggregator.Fetching;

/// <summary>A user name and password for a feed behind HTTP authentication. Sent as Basic
/// credentials, and only to the scheme, host and port the feed was subscribed at: a redirect to
/// another site must not carry them away.</summary>
public sealed record FeedCredentials(string User, string Password)
{
    public AuthenticationHeaderValue? For(Uri subscribed, Uri current) =>
        SameOrigin(subscribed, current) ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"))) : null;

    /// <summary>Same scheme, host and port: where credentials given for one may go (as browsers and
    /// curl decide; an https feed moved to http is another origin, so they never travel in clear).</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    /// <summary>Never the password: records print themselves in logs and exceptions.</summary>
    public override string ToString() => $"{User}:***";
}
