using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Tests.Storage;

/// <summary>Polls are written in batches, one transaction with a savepoint per feed: the
/// batch's speed must not cost the guarantee that one feed's failure touches only that feed.</summary>
public abstract class FeedStoreTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IncomingItem Item(long sourceId, string key, string title) => new()
    {
        SourceId = sourceId,
        EntryKey = key,
        ContentHash = "hash-" + title,
        EntryId = "tag:example.org,2025:" + title,
        Title = title,
        Body = "Body of " + title,
        Language = "en",
        Tags = [],
        RulesVersion = "test",
        Story = Aggregator.Processing.Stories.StoryFingerprint.Of(title, "Body of " + title, null),
    };

    /// <summary>Feed 1 moved from a to b, feed 2 from c to a: "a" names feed 2, the feed at that
    /// address now, and an edit or removal by it never reaches feed 1 too.</summary>
    [Fact]
    public async Task An_address_names_the_feed_there_now_before_the_one_subscribed_under_it()
    {
        await using var app = await TestServices.StartAsync(backend);
        var store = app.Get<FeedStore>();
        foreach (var url in new[] { "http://127.0.0.1:9/a", "http://127.0.0.1:9/c" })
            await store.AddAsync(new FeedSubscription(url, null), Ct);
        var feeds = (await store.ListAsync(Ct)).ToDictionary(f => f.Url);
        var now = DateTime.UtcNow;
        await store.CompletePollsAsync([
            new CompletedPoll(new FeedPollState { FeedId = feeds["http://127.0.0.1:9/a"].Id, AttemptAt = now, NextPollAt = now, Success = true, Status = 200, NewUrl = "http://127.0.0.1:9/b" }, []),
        ], Ct);
        await store.CompletePollsAsync([
            new CompletedPoll(new FeedPollState { FeedId = feeds["http://127.0.0.1:9/c"].Id, AttemptAt = now, NextPollAt = now, Success = true, Status = 200, NewUrl = "http://127.0.0.1:9/a" }, []),
        ], Ct);

        Assert.True(await store.EditAsync("http://127.0.0.1:9/a", "Renamed", null, Ct));
        var after = (await store.ListAsync(Ct)).ToDictionary(f => f.Id);
        Assert.Equal(("Renamed", null), (after[feeds["http://127.0.0.1:9/c"].Id].CustomTitle, after[feeds["http://127.0.0.1:9/a"].Id].CustomTitle));
        Assert.True(await store.RemoveAsync("http://127.0.0.1:9/a", Ct));
        Assert.Equal([feeds["http://127.0.0.1:9/a"].Id], (await store.ListAsync(Ct)).Select(f => f.Id));
    }

    /// <summary>Two wires carry the very same text; the later one's answer came first. The item
    /// is credited to the one published first, and the other is listed as also reporting it.</summary>
    [Fact]
    public async Task The_same_text_from_two_feeds_in_one_write_is_credited_to_the_one_published_first()
    {
        await using var app = await TestServices.StartAsync(backend);
        var store = app.Get<FeedStore>();
        foreach (var url in new[] { "http://127.0.0.1:9/wire-a", "http://127.0.0.1:9/wire-b" })
            await store.AddAsync(new FeedSubscription(url, null), Ct);
        var feeds = (await store.ListAsync(Ct)).ToDictionary(f => f.Url);
        var now = DateTime.UtcNow;
        var published = new DateTime(2025, 9, 5, 4, 0, 0, DateTimeKind.Utc);
        CompletedPoll Poll(string wire, int hoursLater) => new(
            new FeedPollState { FeedId = feeds["http://127.0.0.1:9/" + wire].Id, AttemptAt = now, NextPollAt = now.AddHours(1), Success = true, Status = 200 },
            [Item(feeds["http://127.0.0.1:9/" + wire].SourceId, "k", "Same words") with
                { Outlet = wire, Url = "http://example.org/" + wire, PublishedAt = published.AddHours(hoursLater) }]);

        await store.CompletePollsAsync([Poll("wire-b", 1), Poll("wire-a", 0)], Ct);

        var item = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, Ct));
        Assert.Equal(("wire-a", "http://example.org/wire-a", published), (item.Outlet, item.Url, item.PublishedAt));
        Assert.Equal(["http://127.0.0.1:9/wire-b"], Aggregator.Publishing.EntryText.AlsoReportedBy(item).Select(c => c.Name));
        Assert.Equal("http://example.org/wire-b", Aggregator.Publishing.EntryText.AlsoReportedBy(item)[0].Url);
        Assert.Equal("http://127.0.0.1:9/wire-a", Aggregator.Publishing.EntryText.SourceFeed(item)!.Locator); // atom:source, source_feed

        // Once stored, the credit stays: a copy published earlier still that a later write finds
        // does not change what readers were shown.
        await store.CompletePollsAsync([new CompletedPoll(
            new FeedPollState { FeedId = feeds["http://127.0.0.1:9/wire-b"].Id, AttemptAt = now, NextPollAt = now.AddHours(1), Success = true, Status = 200 },
            [Item(feeds["http://127.0.0.1:9/wire-b"].SourceId, "k2", "Same words") with
                { Outlet = "wire-b", Url = "http://example.org/wire-b2", PublishedAt = published.AddHours(-1) }])], Ct);
        item = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, Ct));
        Assert.Equal(("wire-a", published), (item.Outlet, item.PublishedAt));
    }

    /// <summary>Two feeds carry one copy of a story word for word, two others another copy:
    /// every outlet is listed once under its own name (the second carrier of a copy was named
    /// after the first and dropped as a duplicate).</summary>
    [Fact]
    public async Task Every_feed_that_carried_a_copy_is_listed_under_its_own_name()
    {
        await using var app = await TestServices.StartAsync(backend);
        var store = app.Get<FeedStore>();
        string[] wires = ["alpha", "delta", "beta", "gamma"];
        foreach (var wire in wires)
            await store.AddAsync(new FeedSubscription("http://127.0.0.1:9/" + wire, null), Ct);
        var feeds = (await store.ListAsync(Ct)).ToDictionary(f => f.Url[(f.Url.LastIndexOf('/') + 1)..]);
        var now = DateTime.UtcNow;
        var published = new DateTime(2025, 4, 24, 9, 0, 0, DateTimeKind.Utc);
        CompletedPoll Poll(string wire, string body, int hour)
        {
            var article = new Aggregator.Parsing.ParsedDocument { Title = "Maritime talks resume", Body = body, Language = "en", Outlet = wire, Url = "http://example.org/" + wire, PublishedAt = published.AddHours(hour) };
            return new(new FeedPollState { FeedId = feeds[wire].Id, AttemptAt = now, NextPollAt = now.AddHours(1), Success = true, Status = 200 },
                [Aggregator.Ingestion.IncomingItems.From(feeds[wire].SourceId, "k", article, app.Get<Aggregator.Processing.Tagging.TopicCatalog>(), "example.org,2025")]);
        }
        await store.CompletePollsAsync([Poll("alpha", MaritimeTalks.Full.Trim(), 0), Poll("delta", MaritimeTalks.Full.Trim(), 1)], Ct);
        await store.CompletePollsAsync([Poll("beta", MaritimeTalks.Summary, 2), Poll("gamma", MaritimeTalks.Summary, 3)], Ct);

        var story = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, Ct));
        Assert.Equal("alpha", story.Outlet);
        var also = Aggregator.Publishing.EntryText.AlsoReportedBy(story);
        Assert.Equal(["http://127.0.0.1:9/delta", "beta", "http://127.0.0.1:9/gamma"], also.Select(c => c.Name));
        Assert.Equal(["http://example.org/delta", "http://example.org/beta", "http://example.org/gamma"], also.Select(c => c.Url));
    }

    [Fact]
    public async Task A_poll_that_fails_inside_a_batch_is_rolled_back_alone()
    {
        await using var app = await TestServices.StartAsync(backend);
        var store = app.Get<FeedStore>();
        foreach (var url in new[] { "http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "http://127.0.0.1:9/c" })
            await store.AddAsync(new FeedSubscription(url, null), Ct);
        var feeds = await store.ListAsync(Ct);
        var now = DateTime.UtcNow;
        CompletedPoll Poll(FeedRow feed, long sourceId, string title) => new(
            new FeedPollState { FeedId = feed.Id, AttemptAt = now, NextPollAt = now.AddHours(1), Success = true, Status = 200 },
            [Item(sourceId, "k-" + title, title)]);

        var results = await store.CompletePollsAsync([
            Poll(feeds[0], feeds[0].SourceId, "first"),
            Poll(feeds[1], 999_999, "broken"), // no such source: the foreign key fails this poll's item
            Poll(feeds[2], feeds[2].SourceId, "third"),
        ], Ct);

        Assert.Equal([StoreOutcome.Inserted], results[0].Outcomes);
        Assert.Null(results[1].Outcomes);
        Assert.Contains("FOREIGN KEY", results[1].Error!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([StoreOutcome.Inserted], results[2].Outcomes);
        Assert.Equal(["first", "third"], await app.RowsAsync("SELECT title FROM items ORDER BY title"));
        // The failed poll's state was rolled back with its entries; the others' state is written.
        Assert.Equal(["a|200", "b|", "c|200"], await app.RowsAsync("SELECT substr(url, length(url)), last_status FROM feeds ORDER BY url"));
    }

    [Fact]
    public async Task A_feeds_source_carries_the_name_lists_show_through_polls_and_edits()
    {
        await using var app = await TestServices.StartAsync(backend);
        var store = app.Get<FeedStore>();
        const string url = "http://127.0.0.1:9/named";
        await store.AddAsync(new FeedSubscription(url, "Seoul desk", FeedTitle: "As subscribed"), Ct);
        var feed = Assert.Single(await store.ListAsync(Ct));
        var now = DateTime.UtcNow;
        async Task<string> SourceTitle() => Assert.Single(await app.RowsAsync("SELECT title FROM sources WHERE kind = 'feed'"));
        Assert.Equal("Seoul desk", await SourceTitle());

        // The feed renames itself: the subscriber's name stays, on the feed and on its source.
        await store.CompletePollsAsync([new CompletedPoll(new FeedPollState { FeedId = feed.Id, AttemptAt = now, NextPollAt = now, Success = true, Status = 200, Title = "Yonhap" }, [])], Ct);
        feed = Assert.Single(await store.ListAsync(Ct));
        Assert.Equal(("Yonhap", "Seoul desk", "Seoul desk"), (feed.Title, feed.CustomTitle, feed.DisplayTitle));
        Assert.Equal("Seoul desk", await SourceTitle());

        // Without a name of the subscriber's, the feed's own title is shown and follows the feed.
        Assert.True(await store.EditAsync(url, "", null, Ct));
        Assert.Equal("Yonhap", await SourceTitle());
        await store.CompletePollsAsync([new CompletedPoll(new FeedPollState { FeedId = feed.Id, AttemptAt = now, NextPollAt = now, Success = true, Status = 200, Title = "Yonhap News" }, [])], Ct);
        Assert.Equal("Yonhap News", await SourceTitle());
        Assert.Equal("Yonhap News", Assert.Single(await store.ListAsync(Ct)).DisplayTitle);
    }

    [Fact]
    public async Task Feed_bodies_are_kept_gzip_compressed_and_read_back_as_fetched()
    {
        var raw = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<item><title>중국과 한국</title></item>", 500)));
        var stored = FeedBodies.Gzip(raw);
        Assert.True(stored.Length < raw.Length / 4, $"{stored.Length} of {raw.Length} bytes");
        Assert.Equal(raw, FeedBodies.Gunzip(stored));
    }
    /// <summary>A private feed's key in its address (?apikey=…) is not published: not in the
    /// sources list, not as an entry's source feed, not as the name of who reported it.</summary>
    [Fact]
    public async Task A_feed_whose_address_carries_a_key_is_not_published()
    {
        await using var app = await TestServices.StartAsync(backend);
        var store = app.Get<FeedStore>();
        const string secret = "http://127.0.0.1:9/private.xml?apikey=TOPSECRET", open = "http://127.0.0.1:9/open.xml?format=rss";
        foreach (var url in new[] { secret, open })
            await store.AddAsync(new FeedSubscription(url, null), Ct);
        var feeds = (await store.ListAsync(Ct)).ToDictionary(f => f.Url);
        var now = DateTime.UtcNow;
        CompletedPoll Poll(string url) => new(
            new FeedPollState { FeedId = feeds[url].Id, AttemptAt = now, NextPollAt = now.AddHours(1), Success = true, Status = 200 },
            [Item(feeds[url].SourceId, "k", "Same words") with { Url = "http://example.org/story" }]);
        await store.CompletePollsAsync([Poll(secret)], Ct);
        await store.CompletePollsAsync([Poll(open)], Ct);

        var item = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, Ct));
        Assert.Equal(open, Aggregator.Publishing.EntryText.SourceFeed(item)!.Locator);
        var shown = string.Join("|", Aggregator.Publishing.EntryText.Sources(item).Concat(Aggregator.Publishing.EntryText.AlsoReportedBy(item).Select(c => c.Name)));
        Assert.DoesNotContain("TOPSECRET", shown, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", shown, StringComparison.Ordinal);
        var opml = System.Text.Encoding.UTF8.GetString(await app.Get<Aggregator.Publishing.PageRenderer>().RenderOpmlAsync(Ct));
        Assert.DoesNotContain("TOPSECRET", opml, StringComparison.Ordinal);
        Assert.Contains("open.xml?format=rss", opml, StringComparison.Ordinal);

        Assert.True(Aggregator.Sources.FeedUrl.CarriesSecret("https://x.example/feed?access_token=a"));
        Assert.True(Aggregator.Sources.FeedUrl.CarriesSecret("https://x.example/feed?user=1&KEY=a"));
        Assert.True(Aggregator.Sources.FeedUrl.CarriesSecret("https://x.example/feed?sig=a"));
        Assert.False(Aggregator.Sources.FeedUrl.CarriesSecret("https://x.example/feed.php?id=3&format=atom&keyword=korea"));
        Assert.False(Aggregator.Sources.FeedUrl.CarriesSecret("/srv/seeds/a.txt"));
    }
    /// <summary>Once a later version has migrated the database, this one writes nothing more: a
    /// cluster node left on the old version went on polling and writing in a schema it does not
    /// know. The refusal names the migration and what to do, and counts as the database failing
    /// (a poll cycle stops at once, a job says it in one line).</summary>
    [Fact]
    public async Task A_database_migrated_by_a_later_version_is_not_written()
    {
        await using var app = await TestServices.StartAsync(backend);
        await using (var connection = await app.Get<Database>().OpenAsync(Ct))
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from the future', @now)", new { now = DateTime.UtcNow });
        await using var old = app.AnotherInstance();
        var refused = await Assert.ThrowsAsync<Database.SupersededException>(() =>
            old.GetRequiredService<FeedStore>().AddAsync(new FeedSubscription("http://127.0.0.1:9/late.xml", null), Ct));
        Assert.Contains("migrated by a later version of Aggregator (migration 9999", refused.Message, StringComparison.Ordinal);
        Assert.True(Database.IsUnavailable(refused));
        Assert.DoesNotContain(await app.Get<FeedStore>().ListAsync(Ct), f => f.Url.Contains("late", StringComparison.Ordinal));
    }
}

public sealed class FeedStoreTestsOnSqlite() : FeedStoreTests(Backend.Sqlite);

public sealed class FeedStoreTestsOnPostgres() : FeedStoreTests(Backend.Postgres);
