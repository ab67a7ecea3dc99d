namespace Aggregator.Fetching;

public enum FetchOutcome { Ok, NotModified, Gone, Failed }

/// <summary>What one conditional GET of a feed gave. Expected failures are values here, with
/// a reason a user can act on, never exceptions.</summary>
public sealed record FetchResult
{
    public required FetchOutcome Outcome { get; init; }
    public required Uri FinalUrl { get; init; }
    public int? Status { get; init; }
    public byte[]? Body { get; init; }
    /// <summary>The body as the server sent it when it gzipped it: the stored form, as it is.</summary>
    public byte[]? Gzipped { get; init; }
    public string? ContentType { get; init; }
    public string? Charset { get; init; }
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>Set when every redirect on the way was permanent (301/308): the new address to keep.</summary>
    public Uri? PermanentUrl { get; init; }
    /// <summary>The soonest the server wants to be asked again: Retry-After, Cache-Control max-age, Expires.</summary>
    public TimeSpan? RetryAfter { get; init; }
    public TimeSpan? CacheLifetime { get; init; }
    public string? Error { get; init; }

    /// <summary>The host's name did not resolve: most often a mistyped address.</summary>
    public bool HostNotFound { get; init; }
    public TimeSpan Elapsed { get; init; }
}
