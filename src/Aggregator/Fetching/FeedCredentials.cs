using System.Net.Http.Headers;
using System.Text;

namespace Aggregator.Fetching;

/// <summary>A user name and password for a feed behind HTTP authentication. Sent as Basic
/// credentials, and only to the scheme, host and port the feed was subscribed at: a redirect to
/// another site must not carry them away.</summary>
public sealed record FeedCredentials(string User, string Password)
{
    public AuthenticationHeaderValue? For(Uri subscribed, Uri current) =>
        Uri.Compare(subscribed, current, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")))
            : null;

    /// <summary>Never the password: records print themselves in logs and exceptions.</summary>
    public override string ToString() => $"{User}:***";
}
