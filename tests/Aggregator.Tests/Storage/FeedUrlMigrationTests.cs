using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.Storage;

/// <summary>Migration 12 on a database an earlier build made: its feed addresses, stored as they
/// were typed, come out in the stored form, credentials in an address move to their columns.</summary>
public sealed class FeedUrlMigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Addresses_stored_as_typed_by_an_earlier_build_are_found_and_not_subscribed_twice()
    {
        using var temp = new TempFolder();
        await using var app = await WithFeedsAsync(temp, 11, ["http://bücher.example/plain", "http://example.org/q?x=a b", "http://alice:s3cret@wire.example/feed", "http://example.org/ok"]);
        var feeds = await app.Get<FeedStore>().ListAsync(Ct);

        Assert.Equal(["http://example.org/ok", "http://example.org/q?x=a%20b", "http://wire.example/feed", "http://xn--bcher-kva.example/plain"], feeds.Select(f => f.Url).Order(StringComparer.Ordinal));
        Assert.Equal(feeds.Select(f => f.Url).Order(StringComparer.Ordinal), await app.RowsAsync("SELECT locator FROM sources ORDER BY locator"));
        var wire = feeds.Single(f => f.Url == "http://wire.example/feed");
        Assert.Equal(("alice", "s3cret"), (wire.Username, wire.Password));
        Assert.False(await app.Get<FeedStore>().AddAsync(new FeedSubscription("http://xn--bcher-kva.example/plain", null), Ct));
        Assert.True(await app.Get<FeedStore>().RemoveAsync("http://example.org/q?x=a%20b", Ct));
    }

    /// <summary>The service started on a database an earlier build (at <paramref name="version"/>)
    /// made, holding feeds subscribed under these addresses as that build stored them.</summary>
    public static async Task<TestServices> WithFeedsAsync(TempFolder temp, int version, string[] urls)
    {
        var file = Path.Combine(temp.Sub("data"), "aggregator.db");
        await using (var legacy = await LegacyDatabase.CreateAsync(file, version, Ct))
            for (var n = 1; n <= urls.Length; n++)
                await legacy.ExecuteAsync("""
                    INSERT INTO sources (id, kind, locator, title, created_at) VALUES (@n, 'feed', @url, 'f', '2025-01-01');
                    INSERT INTO feeds (source_id, url, enabled, next_poll_at, created_at) VALUES (@n, @url, 1, '2025-01-01', '2025-01-01');
                    """, new { n, url = urls[n - 1] });
        SqliteConnection.ClearAllPools();
        return await TestServices.StartAsync(Backend.Sqlite, dataDirectory: Path.GetDirectoryName(file));
    }
}

/// <summary>Migration 15: addresses with a fragment or an empty query, which the same feed was
/// subscribed twice under, lose them; where the bare address is subscribed too, the second
/// subscription goes.</summary>
public sealed class FeedUrlFragmentMigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fragments_and_empty_queries_are_dropped_from_stored_addresses()
    {
        using var temp = new TempFolder();
        await using var app = await FeedUrlMigrationTests.WithFeedsAsync(temp, 14, ["http://example.org/a.xml#top", "http://example.org/b.xml?", "http://example.org/c.xml#x", "http://example.org/c.xml"]);

        Assert.Equal(["http://example.org/a.xml", "http://example.org/b.xml", "http://example.org/c.xml"],
            (await app.Get<FeedStore>().ListAsync(Ct)).Select(f => f.Url).Order(StringComparer.Ordinal));
        Assert.Equal(4, await app.ScalarAsync<long>("SELECT count(*) FROM sources")); // what the second subscription read stays
        Assert.False(await app.Get<FeedStore>().AddAsync(new FeedSubscription(Aggregator.Sources.FeedUrl.Normalize("http://example.org/a.xml#other", out _)!, null), Ct));
    }
}
