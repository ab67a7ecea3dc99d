using System.Collections.Concurrent;

namespace Aggregator.Publishing;

/// <summary>Entries' content as sanitized for publishing, kept between renders. Sanitizing is
/// most of what rendering a feed costs, and every new address asked (a page, a ?since=, a
/// search, another format) renders the same entries again; so does every listing after a poll
/// changed the database. Kept by the stored HTML and the address its links resolve against, so
/// an edited entry is sanitized anew; bounded in size, emptied when full.</summary>
public static class SanitizedContent
{
    /// <summary>Characters kept, keys and values together (about 32 MB).</summary>
    private const long MaxCharacters = 16L << 20;

    private static readonly ConcurrentDictionary<(string Html, string? BaseUrl), string> Kept = new();
    private static long _characters;

    public static string Of(string html, string? baseUrl)
    {
        if (Kept.TryGetValue((html, baseUrl), out var sanitized)) return sanitized;
        sanitized = EntryText.Clean(ContentSanitizer.Sanitize(html, baseUrl));
        // One entry over a sixteenth of the bound is not kept: a few of them emptied it at
        // every render, and the others were sanitized again each time.
        if (html.Length + sanitized.Length > MaxCharacters / 16) return sanitized;
        if (Interlocked.Add(ref _characters, html.Length + sanitized.Length) > MaxCharacters)
        {
            Kept.Clear();
            Interlocked.Exchange(ref _characters, html.Length + sanitized.Length);
        }
        Kept.TryAdd((html, baseUrl), sanitized);
        return sanitized;
    }
}
