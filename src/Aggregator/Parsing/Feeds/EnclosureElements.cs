using System.Globalization;
using System.Xml.Linq;
using static Aggregator.Parsing.Feeds.FeedXml;

namespace Aggregator.Parsing.Feeds;

/// <summary>The files an RSS item or Atom entry carries, from the element itself whatever reader
/// took the rest: &lt;enclosure url type length&gt; (RSS 2.0), &lt;link rel="enclosure" href type
/// length&gt; (Atom), &lt;media:content url type fileSize&gt; alone or in a &lt;media:group&gt;.
/// Addresses resolved against xml:base and the feed's URL; only http(s) ones kept, each once.</summary>
public static class EnclosureElements
{
    public static IReadOnlyList<Enclosure> Of(XElement entry, Uri? url)
    {
        List<Enclosure>? found = null;
        for (var node = entry.FirstNode; node is not null; node = node.NextNode)
        {
            if (node is not XElement e) continue;
            switch (e.Name.LocalName)
            {
                case "enclosure" when IsCore(e.Name.Namespace):
                    Add(ref found, e, e.Attribute("url")?.Value, e.Attribute("type")?.Value, e.Attribute("length")?.Value, url);
                    break;
                case "link" when IsCore(e.Name.Namespace) && e.Attribute("rel")?.Value.Trim() == "enclosure":
                    Add(ref found, e, e.Attribute("href")?.Value, e.Attribute("type")?.Value, e.Attribute("length")?.Value, url);
                    break;
                case "content" when InModule(e, MediaFamily, "content"):
                    Add(ref found, e, e.Attribute("url")?.Value, e.Attribute("type")?.Value, e.Attribute("fileSize")?.Value, url);
                    break;
                case "group" when InModule(e, MediaFamily, "group"):
                    foreach (var content in e.Module(MediaFamily, "content"))
                        Add(ref found, content, content.Attribute("url")?.Value, content.Attribute("type")?.Value, content.Attribute("fileSize")?.Value, url);
                    break;
            }
        }
        return found ?? (IReadOnlyList<Enclosure>)[];
    }

    /// <summary>Files kept per entry: a podcast episode has one, a photo gallery a few dozen.
    /// 50,000 media:content elements in one entry took 23 s of CPU to read, at every poll.</summary>
    public const int MaxPerEntry = 100;

    private static void Add(ref List<Enclosure>? found, XElement at, string? href, string? type, string? length, Uri? url)
    {
        if (found?.Count >= MaxPerEntry) return;
        if (Resolve(href, at, url) is not { } address || !Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return;
        found ??= [];
        if (found.Exists(f => f.Url == uri.AbsoluteUri)) return; // at most MaxPerEntry compared
        found.Add(new Enclosure(uri.AbsoluteUri, string.IsNullOrWhiteSpace(type) ? null : type.Trim(),
            long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : null));
    }
}
