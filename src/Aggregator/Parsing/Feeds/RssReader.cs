using System.Globalization;
using System.Xml.Linq;
using static Aggregator.Parsing.Feeds.FeedXml;

namespace Aggregator.Parsing.Feeds;

/// <summary>The RSS family that Syndication does not read: RSS 0.90–0.94 and RSS 1.0 (RDF);
/// also the fallback for an RSS 2.0 document Syndication refuses.</summary>
public static class RssReader
{
    /// <param name="zoneLanguage">The language whose zone a time without one is read in when the
    /// feed declares no language (FeedParser.ZoneLanguage).</param>
    public static ParsedFeed Read(XDocument document, string format, Uri? url, string? zoneLanguage = null)
    {
        var root = document.Root!;
        var channel = root.FirstOwn("channel") ?? root;
        // RDF puts items beside the channel; RSS 0.9x/2.0 inside it. Some RDF feeds (Japanese
        // ministries' among them) nest them in the channel too: read where they are, as
        // feedparser does, rather than an empty feed.
        var items = root.Name.LocalName == "RDF" ? root.Own("item").Concat(channel == root ? [] : channel.Own("item")) : channel.Own("item");
        var language = Text(channel.FirstOwn("language")) ?? Text(channel.Element(Dc + "language")) ?? FeedXml.Language(channel);
        var dates = language ?? zoneLanguage;
        return new ParsedFeed
        {
            Format = format,
            Title = TextOf(channel.FirstOwn("title")) ?? ExtensionElements.Title(channel),
            Link = Resolve(LinkText(channel), channel, url),
            Language = language,
            Updated = FeedDates.Parse(Text(channel.FirstOwn("lastBuildDate")), dates) ?? ExtensionElements.Updated(channel, dates),
            MinimumInterval = Interval(channel),
            Entries = items.Select(i => Entry(i, url, dates)).ToList(),
        };
    }

    public static ParsedEntry Entry(XElement item, Uri? url, string? language) => Texts(item, url) with
    {
        Id = Text(item.FirstOwn("guid")) ?? item.Attribute(Rdf + "about")?.Value,
        Published = FeedDates.Parse(Text(item.FirstOwn("pubDate")), language) ?? ExtensionElements.Published(item, language),
        Updated = ExtensionElements.Updated(item, language),
        Author = Text(item.FirstOwn("author")) ?? ExtensionElements.Author(item),
    };

    /// <summary>What RSS quirks decide (title, link, categories, summary and content), without the
    /// identity, dates and author that Syndication reads when it reads the feed.</summary>
    public static ParsedEntry Texts(XElement item, Uri? url)
    {
        var guid = item.FirstOwn("guid");
        var guidText = Text(guid);
        var permalink = guid?.Attribute("isPermaLink")?.Value.Trim().ToLowerInvariant() != "false";
        var link = Resolve(LinkText(item), item, url)
            // A permalink guid that is an address ("https://…", or a path "/archives/2"); an
            // opaque one ("k1", a number, a UUID) is no link whatever isPermaLink says.
            ?? (permalink && guidText is not null && (guidText.StartsWith('/') || guidText.Contains("://", StringComparison.Ordinal))
                && Resolve(guidText, item, url) is { } guidLink && Uri.TryCreate(guidLink, UriKind.Absolute, out var g) && g.Scheme is "http" or "https" ? guidLink : null);
        var (summary, content) = ExtensionElements.SummaryAndContent(item);
        return new ParsedEntry
        {
            Title = TextOf(item.FirstOwn("title")) ?? ExtensionElements.Title(item),
            Link = link,
            Categories = ExtensionElements.Distinct(item.Own("category").Select(ExtensionElements.OwnText).OfType<string>().Concat(ExtensionElements.Categories(item))),
            Source = Text(item.FirstOwn("source")) is { } source ? HtmlText.Collapse(source) : null, // Text: trimmed, null when empty
            Summary = summary,
            Content = content,
            Enclosures = EnclosureElements.Of(item, url),
        };
    }

    /// <summary>The first &lt;link&gt; with text: WordPress writes &lt;atom:link rel="self" href="…"/&gt;
    /// (empty, its address in an attribute) before the channel's own link.</summary>
    /// <summary>The first &lt;link&gt; with text; else, as Atom writes it, the href of one that is
    /// the alternate (a &lt;link href="…"/&gt; in RSS, an atom:link rel="alternate"), never
    /// WordPress's atom:link rel="self".</summary>
    public static string? LinkText(XElement parent)
    {
        foreach (var link in parent.Own("link"))
            if (Text(link) is { } text)
                return text;
        foreach (var link in parent.Own("link"))
            if (link.Attribute("href")?.Value is { } href && !string.IsNullOrWhiteSpace(href)
                && FeedXml.IsAlternate(link.Attribute("rel")?.Value))
                return href;
        return null;
    }

    private static FeedText? TextOf(XElement? e) =>
        e is null ? null : e.HasElements ? new FeedText(InnerXml(e), TextKind.Html) : new FeedText(e.Value, ExtensionElements.Guess(e.Value));

    /// <summary>RSS 2.0 ttl (minutes) and the syndication module's updatePeriod × updateFrequency.</summary>
    public static TimeSpan? Interval(XElement channel)
    {
        // A ttl past int's range is "a very long time", capped by the scheduler as any other.
        TimeSpan? ttl = long.TryParse(Text(channel.FirstOwn("ttl")), NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? TimeSpan.FromMinutes(Math.Min(minutes, 1L << 31)) : null;
        var period = Text(channel.Element(Sy + "updatePeriod"))?.ToLowerInvariant() switch
        {
            "hourly" => TimeSpan.FromHours(1),
            "daily" => TimeSpan.FromDays(1),
            "weekly" => TimeSpan.FromDays(7),
            "monthly" => TimeSpan.FromDays(30),
            "yearly" => TimeSpan.FromDays(365),
            _ => (TimeSpan?)null,
        };
        if (period is { } p && int.TryParse(Text(channel.Element(Sy + "updateFrequency")) ?? "1", NumberStyles.Integer, CultureInfo.InvariantCulture, out var frequency) && frequency > 0)
            period = p / frequency;
        return ttl is null ? period : period is null ? ttl : (ttl > period ? ttl : period);
    }
}
