using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Aggregator.Storage;

namespace Aggregator.Sources;

/// <summary>OPML 2.0 subscription lists (http://opml.org/spec2.opml), what every feed reader
/// imports and exports. Optional per-feed attributes of ours: minPollMinutes, maxPollMinutes,
/// encoding (an override for mislabelled feeds) and enabled="false". Nested outlines
/// (folders) are flattened.</summary>
public static class Opml
{
    public static IReadOnlyList<FeedSubscription> Read(string path)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException($"{path}: not well-formed OPML at line {e.LineNumber}: {e.Message}", e);
        }
        var feeds = new List<FeedSubscription>();
        foreach (var outline in document.Descendants("outline"))
        {
            var url = outline.Attribute("xmlUrl")?.Value.Trim();
            if (string.IsNullOrEmpty(url)) continue;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidDataException($"{path}: outline \"{outline.Attribute("text")?.Value}\" has xmlUrl \"{url}\", which is not an http(s) URL.");
            feeds.Add(new FeedSubscription(
                uri.ToString(),
                outline.Attribute("title")?.Value ?? outline.Attribute("text")?.Value,
                !string.Equals(outline.Attribute("enabled")?.Value, "false", StringComparison.OrdinalIgnoreCase),
                Minutes(outline, "minPollMinutes", path),
                Minutes(outline, "maxPollMinutes", path),
                outline.Attribute("encoding")?.Value));
        }
        return feeds;
    }

    public static string Write(IEnumerable<FeedRow> feeds, string title, DateTime? now)
    {
        var body = new XElement("body", feeds.Select(f => new XElement("outline",
            new XAttribute("type", "rss"),
            new XAttribute("text", f.Title ?? f.Url),
            f.Title is null ? null : new XAttribute("title", f.Title),
            new XAttribute("xmlUrl", f.Url),
            f.Enabled ? null : new XAttribute("enabled", "false"),
            f.MinIntervalSeconds is { } min ? new XAttribute("minPollMinutes", min / 60) : null,
            f.MaxIntervalSeconds is { } max ? new XAttribute("maxPollMinutes", max / 60) : null,
            f.EncodingOverride is null ? null : new XAttribute("encoding", f.EncodingOverride))));
        var opml = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("opml", new XAttribute("version", "2.0"),
                new XElement("head", new XElement("title", title), now is { } created ? new XElement("dateCreated", created.ToString("R", CultureInfo.InvariantCulture)) : null),
                body));
        using var writer = new Utf8StringWriter();
        opml.Save(writer);
        return writer.ToString();
    }

    private static TimeSpan? Minutes(XElement outline, string attribute, string path)
    {
        var value = outline.Attribute(attribute)?.Value;
        if (value is null) return null;
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? TimeSpan.FromMinutes(minutes)
            : throw new InvalidDataException($"{path}: {attribute}=\"{value}\" on {outline.Attribute("xmlUrl")?.Value} must be a whole number of minutes.");
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
