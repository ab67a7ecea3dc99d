using System.Xml.Linq;

namespace Aggregator.Parsing.Feeds;

/// <summary>RSS as some generators write it: element names in other capitals (&lt;RSS&gt;,
/// &lt;pubdate&gt;, &lt;Description&gt;, ispermalink=…) and, in the RSS 0.91 manner, items after
/// &lt;/channel&gt;. XML names are case-sensitive, so such a feed was refused or read without
/// its dates, summaries or entries; feedparser reads them all. The tree is put right before a
/// reader sees it: names in RSS's own vocabulary take its spelling, stray items join the channel.</summary>
public static class RssNames
{
    private static readonly string[] Elements =
    [
        "rss", "channel", "item", "title", "link", "description", "language", "copyright", "managingEditor", "webMaster", "pubDate",
        "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image", "url", "width", "height", "rating", "textInput",
        "name", "skipHours", "skipDays", "hour", "day", "author", "comments", "enclosure", "guid", "source",
    ];

    private static readonly string[] Attributes = ["version", "isPermaLink", "url", "length", "type", "domain", "port", "path", "registerProcedure", "protocol"];

    private static readonly HashSet<XName> CanonicalElements = [.. Elements.Select(n => XName.Get(n))];
    private static readonly Dictionary<string, XName> ElementsIgnoringCase = Elements.ToDictionary(n => n, n => XName.Get(n), StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, XName> AttributesIgnoringCase = Attributes.ToDictionary(n => n, n => XName.Get(n), StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the root is RSS in any capitals (or a bare &lt;channel&gt;), with no namespace.</summary>
    public static bool IsRss(XElement root) =>
        root.Name.Namespace == XNamespace.None
        && (root.Name.LocalName.Equals("rss", StringComparison.OrdinalIgnoreCase) || root.Name.LocalName.Equals("channel", StringComparison.OrdinalIgnoreCase));

    /// <summary>Puts the tree right (see the class); only the levels readers look at: the root, the
    /// channel, its children, and the children of items. Unescaped HTML inside a description is
    /// left as written.</summary>
    public static void Normalize(XDocument document)
    {
        var root = document.Root!;
        Canonical(root);
        foreach (var child in root.Elements())
        {
            Canonical(child);
            if (child.Name.LocalName != "channel") continue;
            foreach (var inChannel in child.Elements())
            {
                Canonical(inChannel);
                if (inChannel.Name.LocalName is "item" or "image" or "textInput")
                    foreach (var inItem in inChannel.Elements()) Canonical(inItem);
            }
        }
        if (root.Name.LocalName == "rss" && root.Element("channel") is { } channel && root.Elements("item").ToList() is { Count: > 0 } outside)
        {
            foreach (var item in outside)
            {
                foreach (var inItem in item.Elements()) Canonical(inItem);
                item.Remove();
            }
            channel.Add(outside);
        }
    }

    private static void Canonical(XElement e)
    {
        if (e.Name.Namespace == XNamespace.None && !CanonicalElements.Contains(e.Name) && ElementsIgnoringCase.TryGetValue(e.Name.LocalName, out var element))
            e.Name = element;
        for (var a = e.FirstAttribute; a is not null; a = a.NextAttribute)
            if (a.Name.Namespace == XNamespace.None && AttributesIgnoringCase.TryGetValue(a.Name.LocalName, out var name) && name != a.Name)
            {
                RenameAttributes(e); // rare: only then a list of them
                return;
            }
    }

    private static void RenameAttributes(XElement e)
    {
        foreach (var a in e.Attributes().ToList())
            if (a.Name.Namespace == XNamespace.None && AttributesIgnoringCase.TryGetValue(a.Name.LocalName, out var name) && name != a.Name && e.Attribute(name) is null)
            {
                a.Remove();
                e.SetAttributeValue(name, a.Value);
            }
    }
}
