using Aggregator.Ingestion;
using Aggregator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.TestSupport;

/// <summary>What the polling tests share: services on a backend with settings of their own, a
/// subscription to a loopback feed, one cycle polling every feed, a feed's state after it.</summary>
public static class LoopbackFeeds
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<TestServices> ServicesAsync(Backend backend, params (string Key, string Value)[] settings) =>
        TestServices.StartAsync(backend, settings.ToDictionary(s => "Aggregator:" + s.Key, s => (string?)s.Value));

    public static async Task<FeedRow> FeedAsync(TestServices app, Uri url)
    {
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(url.AbsoluteUri, null), Ct);
        return (await app.Get<FeedStore>().ListAsync(Ct)).Single(f => f.Url == url.AbsoluteUri);
    }

    public static Task<PollSummary> PollAsync(TestServices app) => app.Get<FeedIngestor>().PollDueAsync(Ct, everyFeed: true);

    /// <summary>An RSS feed of 20 entries three minutes apart, the newest now: about 20 an hour.</summary>
    public static string BusyRss(string title, string channelExtra = "")
    {
        var now = DateTime.UtcNow;
        return $"<rss version=\"2.0\"><channel><title>{title}</title>{channelExtra}" + string.Concat(Enumerable.Range(0, 20).Select(i =>
            $"<item><guid>urn:{title}:{i}</guid><title>{title} {i}</title><pubDate>{now.AddMinutes(-3 * i):R}</pubDate></item>")) + "</channel></rss>";
    }

    /// <summary>A server answering <paramref name="path"/> with the feed and an ETag, and 304 to that ETag.</summary>
    public static Task<LoopbackServer> WithEtagAsync(string path, string feed) => LoopbackServer.StartAsync(app => app.MapGet(path, (HttpContext c) =>
    {
        c.Response.Headers.ETag = "\"e1\"";
        return c.Request.Headers.IfNoneMatch == "\"e1\"" ? Results.StatusCode(304) : Results.Text(feed, "application/rss+xml");
    }));

    public static async Task<FeedRow> StateAsync(TestServices app, long id) => (await app.Get<FeedStore>().ListAsync(Ct)).Single(f => f.Id == id);
}
