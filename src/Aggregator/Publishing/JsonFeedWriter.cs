using System.Globalization;
using System.Text.Json;

namespace Aggregator.Publishing;

/// <summary>JSON Feed 1.1 (https://jsonfeed.org/version/1.1). Provenance goes in the
/// "_aggregator" extension object, as the spec reserves underscore keys for extensions.</summary>
public static class JsonFeedWriter
{
    public static byte[] Write(FeedView view)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("version", "https://jsonfeed.org/version/1.1");
            w.WriteString("title", view.Title);
            w.WriteString("home_page_url", view.Links.Alternate.AbsoluteUri);
            w.WriteString("feed_url", view.Links.Self.AbsoluteUri);
            // JSON Feed pages forward only: next_url, as the spec defines.
            if (view.Links.Next is { } next) w.WriteString("next_url", next.AbsoluteUri);
            w.WriteString("icon", view.IconUrl.AbsoluteUri);
            w.WriteString("favicon", view.IconUrl.AbsoluteUri);
            if (view.Links.Hub is { } hub)
            {
                w.WriteStartArray("hubs");
                w.WriteStartObject();
                w.WriteString("type", "WebSub");
                w.WriteString("url", hub.AbsoluteUri);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteStartArray("items");
            foreach (var item in view.Items)
            {
                w.WriteStartObject();
                w.WriteString("id", item.EntryId);
                if (EntryText.SafeUrl(item.Url) is { } url) w.WriteString("url", url);
                w.WriteString("title", EntryText.Title(item));
                w.WriteString("content_html", EntryText.Html(item));
                w.WriteString("summary", EntryText.Summary(item.Body));
                if (item.PublishedAt is { } published) w.WriteString("date_published", published.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                w.WriteString("date_modified", item.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                if (item.Author is { Length: > 0 })
                {
                    w.WriteStartArray("authors");
                    w.WriteStartObject();
                    w.WriteString("name", EntryText.Line(item.Author));
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                w.WriteStartArray("tags");
                foreach (var tag in item.Tags) w.WriteStringValue(tag.Tag);
                w.WriteEndArray();
                if (item.Language.Length > 0) w.WriteString("language", item.Language);
                var files = item.Files.Where(f => EntryText.SafeUrl(f.Url) is not null).ToList();
                if (files.Count > 0)
                {
                    w.WriteStartArray("attachments");
                    foreach (var file in files)
                    {
                        w.WriteStartObject();
                        w.WriteString("url", EntryText.SafeUrl(file.Url));
                        w.WriteString("mime_type", file.Type ?? "application/octet-stream");
                        if (file.Length is { } size) w.WriteNumber("size_in_bytes", size);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteStartObject("_aggregator");
                if (item.Outlet is not null) w.WriteString("outlet", EntryText.Line(item.Outlet));
                if (EntryText.SourceFeed(item) is { } origin && EntryText.SafeUrl(origin.Locator) is { } feedUrl)
                    w.WriteString("source_feed", feedUrl);
                w.WriteStartArray("sources");
                foreach (var source in EntryText.Sources(item)) w.WriteStringValue(EntryText.Line(source));
                w.WriteEndArray();
                w.WriteStartArray("tags"); // why each tag was given, in words (the item's "tags" has the names alone)
                foreach (var tag in item.Tags)
                {
                    w.WriteStartObject();
                    w.WriteString("tag", tag.Tag);
                    w.WriteNumber("score", Math.Round(tag.Score, 3));
                    w.WriteString("reason", EntryText.Line(tag.Explanation));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("also_reported_by");
                foreach (var copy in EntryText.AlsoReportedBy(item))
                {
                    w.WriteStartObject();
                    w.WriteString("name", EntryText.Line(copy.Name));
                    w.WriteString("title", EntryText.Cut(EntryText.Line(copy.Title), EntryText.MaxTitle));
                    if (EntryText.SafeUrl(copy.Url) is { } copyUrl) w.WriteString("url", copyUrl);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
