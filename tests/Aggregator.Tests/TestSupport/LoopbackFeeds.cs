using Aggregator.Ingestion;
using Aggregator.Storage;

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

    public static async Task<FeedRow> StateAsync(TestServices app, long id) => (await app.Get<FeedStore>().ListAsync(Ct)).Single(f => f.Id == id);
}
