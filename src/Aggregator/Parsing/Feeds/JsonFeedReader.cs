using System.Text.Json;

namespace Aggregator.Parsing.Feeds;

/// <summary>JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1): author (1.0) and authors
/// (1.1), language (1.1); ids may be numbers in the wild.</summary>
public static partial class JsonFeedReader
{
    /// <param name="zoneLanguage">See RssReader.Read.</param>
    public static FeedParseResult Read(string text, Uri? url, string? zoneLanguage = null)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            // The reader's own position is zero-based and counts bytes: said as people count.
            var message = e.Message.Split(" LineNumber:", 2)[0].TrimEnd();
            return FeedParseResult.Failed(e.LineNumber is { } line
                ? $"not valid JSON at line {line + 1}, byte {e.BytePositionInLine + 1} of that line: {message}"
                : $"not valid JSON: {message}");
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "version") is not { } version || !version.Contains("jsonfeed.org/version/", StringComparison.Ordinal))
                return FeedParseResult.Failed("not a feed: JSON without a jsonfeed.org version");
            var language = Str(root, "language");
            var items = root.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).ToList() : [];
            var feedAuthor = Authors(root).FirstOrDefault();
            return FeedParseResult.Of(new ParsedFeed
            {
                Format = version.EndsWith("1.1", StringComparison.Ordinal) ? "json11" : "json10",
                Title = Str(root, "title") is { } title ? new FeedText(title, TextKind.Text) : null,
                Link = Absolute(Str(root, "home_page_url"), url),
                Language = language,
                // An item without an author of its own has the feed's (JSON Feed 1.1, "authors").
                Entries = items.Take(FeedXml.MaxEntries).Select(i => Entry(i, url, language ?? zoneLanguage, feedAuthor)).ToList(),
                Problems = items.Count > FeedXml.MaxEntries ? [FeedXml.TooManyEntries(items.Count)] : [],
            });
        }
    }

    private static ParsedEntry Entry(JsonElement item, Uri? url, string? language, string? feedAuthor)
    {
        var html = Str(item, "content_html");
        var text = Str(item, "content_text");
        return new ParsedEntry
        {
            Id = item.TryGetProperty("id", out var id) ? id.ValueKind == JsonValueKind.Number ? id.GetRawText() : Str(item, "id") : null,
            Title = Str(item, "title") is { } title ? new FeedText(title, TextKind.Text) : null,
            Link = Absolute(Str(item, "url") ?? Str(item, "external_url"), url),
            Published = FeedDates.Parse(Str(item, "date_published"), language),
            Updated = FeedDates.Parse(Str(item, "date_modified"), language),
            Author = Authors(item).FirstOrDefault() ?? feedAuthor,
            Categories = item.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
                ? tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(String).ToList()
                : [],
            Summary = Str(item, "summary") is { } summary ? new FeedText(summary, TextKind.Text) : null,
            Content = html is not null ? new FeedText(html, TextKind.Html) : text is not null ? new FeedText(text, TextKind.Text) : null,
            Enclosures = Attachments(item, url),
        };
    }

    /// <summary>"attachments": url, mime_type, size_in_bytes (JSON Feed 1.0 and 1.1).</summary>
    private static List<Enclosure> Attachments(JsonElement item, Uri? url)
    {
        var found = new List<Enclosure>();
        if (!item.TryGetProperty("attachments", out var list) || list.ValueKind != JsonValueKind.Array) return found;
        foreach (var a in list.EnumerateArray())
            if (found.Count < EnclosureElements.MaxPerEntry && a.ValueKind == JsonValueKind.Object && Absolute(Str(a, "url"), url) is { } address
                && Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !found.Exists(f => f.Url == uri.AbsoluteUri))
                found.Add(new Enclosure(uri.AbsoluteUri, Str(a, "mime_type"),
                    a.TryGetProperty("size_in_bytes", out var size) && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes) && bytes > 0 ? bytes : null));
        return found;
    }

    private static IEnumerable<string> Authors(JsonElement item)
    {
        if (item.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
            foreach (var a in authors.EnumerateArray())
                if (a.ValueKind == JsonValueKind.Object && Str(a, "name") is { } name) yield return name;
        if (item.TryGetProperty("author", out var author) && author.ValueKind == JsonValueKind.Object && Str(author, "name") is { } single)
            yield return single;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && String(v).Trim() is { Length: > 0 } s ? s : null;

    /// <summary>A string value; one with a lone surrogate escaped in it ("\ud800"), which
    /// System.Text.Json refuses to give as a string, with U+FFFD in its place.</summary>
    private static string String(JsonElement v)
    {
        try
        {
            return v.GetString()!;
        }
        catch (InvalidOperationException)
        {
            using var cleaned = JsonDocument.Parse(LoneSurrogate().Replace(v.GetRawText(), "\\ufffd"));
            return cleaned.RootElement.GetString()!;
        }
    }

    /// <summary>A \uD800–\uDBFF escape not followed by a \uDC00–\uDFFF one, or one of those not preceded by the first kind.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")]
    private static partial System.Text.RegularExpressions.Regex LoneSurrogate();

    private static string? Absolute(string? href, Uri? url) =>
        href is null ? null : url is not null && Uri.TryCreate(url, href, out var abs) ? abs.ToString() : href;
}
