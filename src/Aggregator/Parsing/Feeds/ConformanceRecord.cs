using System.Text.Json;

namespace Aggregator.Parsing.Feeds;

/// <summary>The record shape of ../shared/conformance (feedparser's oracle), so our parser can
/// be scored against it: text fields as plain text, dates as UTC seconds, and feedparser's
/// habit of copying content into an absent summary.</summary>
public static class ConformanceRecord
{
    public static void Write(Utf8JsonWriter w, string file, FeedParseResult result)
    {
        var feed = result.Feed;
        w.WriteStartObject();
        w.WriteString("file", file);
        w.WriteBoolean("bozo", feed is null || feed.Bozo);
        w.WriteString("format", feed?.Format);
        w.WriteString("reader", feed?.Reader);
        if (feed?.Problems.Count > 0 || result.Error is not null)
            w.WriteString("bozo_reason", result.Error ?? string.Join("; ", feed!.Problems));
        if (result.Alternates.Count > 0)
        {
            // A web page's advertised feeds, for scripts (not in the oracle's schema; compare.py ignores it).
            w.WriteStartArray("alternates");
            foreach (var alternate in result.Alternates) w.WriteStringValue(alternate);
            w.WriteEndArray();
        }
        w.WriteStartObject("feed");
        w.WriteString("title", Plain(feed?.Title));
        w.WriteString("link", feed?.Link);
        w.WriteString("language", feed?.Language);
        w.WriteString("updated", Date(feed?.Updated));
        w.WriteEndObject();
        w.WriteStartArray("entries");
        foreach (var e in feed?.Entries ?? [])
        {
            w.WriteStartObject();
            w.WriteString("id", e.Id);
            w.WriteString("title", Plain(e.Title));
            w.WriteString("link", e.Link);
            w.WriteString("published", Date(e.Published));
            w.WriteString("updated", Date(e.Updated));
            w.WriteString("author", e.Author is null ? null : HtmlText.Collapse(e.Author));
            w.WriteStartArray("categories");
            foreach (var c in e.Categories) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteString("summary_text", Plain(e.Summary ?? e.Content));
            w.WriteString("content_text", Plain(e.Content));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string? Plain(FeedText? t) => t?.Plain is { Length: > 0 } p ? p : null;

    private static string? Date(DateTime? d) => d?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
