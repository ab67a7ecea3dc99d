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
            w.WriteString("home_page_url", view.HomeUrl.AbsoluteUri);
            w.WriteString("feed_url", view.SelfUrl.AbsoluteUri);
            w.WriteStartArray("items");
            foreach (var item in view.Items)
            {
                w.WriteStartObject();
                w.WriteString("id", item.EntryId);
                if (item.Url is not null) w.WriteString("url", item.Url);
                w.WriteString("title", item.Title);
                w.WriteString("content_html", EntryText.Html(item));
                w.WriteString("summary", EntryText.Summary(item.Body));
                if (item.PublishedAt is { } published) w.WriteString("date_published", published.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
                w.WriteString("date_modified", item.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
                if (item.Author is not null)
                {
                    w.WriteStartArray("authors");
                    w.WriteStartObject();
                    w.WriteString("name", item.Author);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                w.WriteStartArray("tags");
                foreach (var tag in item.Tags) w.WriteStringValue(tag.Tag);
                w.WriteEndArray();
                if (item.Language.Length > 0) w.WriteString("language", item.Language);
                w.WriteStartObject("_aggregator");
                if (item.Outlet is not null) w.WriteString("outlet", item.Outlet);
                w.WriteStartArray("sources");
                foreach (var source in EntryText.Sources(item)) w.WriteStringValue(source);
                w.WriteEndArray();
                w.WriteStartArray("also_reported_by");
                foreach (var copy in EntryText.AlsoReportedBy(item))
                {
                    w.WriteStartObject();
                    w.WriteString("name", copy.Name);
                    w.WriteString("title", copy.Title);
                    if (copy.Url is not null) w.WriteString("url", copy.Url);
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
