using Aggregator.Ingestion;
using Aggregator.Parsing;
using Aggregator.Processing.Stories;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Tests.Storage;

/// <summary>SQLite keeps the story index in memory (StoryKeyCache), each member row carrying its
/// keys: what another instance stored, an item stored long ago and a database from before the
/// change must all be found as the story_keys table found them.</summary>
public sealed class StoryKeyCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTime Day = new(2025, 4, 24, 9, 0, 0, DateTimeKind.Utc);

    private const string Talks = """
        South Korea and China agreed on Thursday to resume a maritime dialogue suspended since 2019, the foreign ministry said after talks between vice ministers in Seoul.

        The two sides discussed the steel structures China installed in the Yellow Sea, illegal fishing and coast guard cooperation, and agreed to meet again in Beijing next year. Officials described the talks as candid and constructive.
        """;

    private const string Tariffs = """
        China will lift tariffs on South Korean cosmetics and processed food from next month, the commerce ministry in Beijing announced on Monday, ending curbs imposed during the 2017 dispute.

        Exporters in Incheon and Busan welcomed the decision, which covers 212 product lines worth about 1.4 billion dollars a year, and trade officials said talks on semiconductors would follow in the autumn.
        """;

    /// <summary>The opening paragraph only, as a feed summary carries it.</summary>
    private static string Lead(string text) => text.Trim().Split("\n\n")[0] + " …";

    private static async Task<long> StoreAsync(IServiceProvider services, string outlet, string title, string body, DateTime published)
    {
        var items = services.GetRequiredService<ItemStore>();
        var source = await items.EnsureSourceAsync("document", outlet + ".txt", outlet, Ct);
        var article = new ParsedDocument { Title = title, Body = body.Trim(), Language = "en", Outlet = outlet, PublishedAt = published };
        Assert.Equal(StoreOutcome.Inserted, await items.StoreAsync(IncomingItems.From(source, "", article, services.GetRequiredService<TopicCatalog>(), "example.org,2025"), Ct));
        await using var connection = await services.GetRequiredService<Database>().OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>("SELECT coalesce(story_id, id) FROM items WHERE outlet = @outlet", new { outlet });
    }

    [Fact]
    public async Task What_another_instance_filed_is_found_here()
    {
        await using var app = await TestServices.StartAsync(Backend.Sqlite);
        var talks = await StoreAsync(app.Provider, "Seoul Daily", "Maritime talks resume", Talks, Day); // this instance's cache now holds the days around Day

        long tariffs;
        await using (var other = app.AnotherInstance())
            tariffs = await StoreAsync(other, "Trade Wire", "China lifts tariffs on Korean goods", Tariffs, Day.AddHours(2));

        Assert.Equal(tariffs, await StoreAsync(app.Provider, "Busan Post", "Tariffs lifted", Lead(Tariffs), Day.AddHours(4)));
        Assert.Equal(talks, await StoreAsync(app.Provider, "Wire Feed", "Talks resume", Lead(Talks), Day.AddHours(5)));
        Assert.NotEqual(talks, tariffs);
    }

    [Fact]
    public async Task Past_its_bound_the_cache_starts_over_and_still_finds_old_items()
    {
        await using var app = await TestServices.StartAsync(Backend.Sqlite);
        var talks = await StoreAsync(app.Provider, "Seoul Daily", "Maritime talks resume", Talks, Day);
        var cache = app.Get<Database>().StoryKeys!;
        var afterFirst = cache.DaysLoaded;
        for (var n = 1; n <= 9; n++) // each far from the others: two weeks of days loaded each
            await StoreAsync(app.Provider, $"Outlet {n}", $"Tariffs {n}", Tariffs.Replace("212", $"{300 + n}"), Day.AddDays(100 * n));
        Assert.InRange(cache.DaysLoaded, afterFirst, StoryKeyCache.MaxDays);

        Assert.Equal(talks, await StoreAsync(app.Provider, "Wire Feed", "Talks resume", Lead(Talks), Day.AddHours(5)));
    }

    /// <summary>An entry corrected in place (a routine edit of news) keeps this instance's cache:
    /// starting over reloaded two weeks of keys per correction, 45 MB of allocation each at
    /// 360,000 items. The corrected text is found under its new keys; a correction made by
    /// another instance still makes this one start over.</summary>
    [Fact]
    public async Task A_corrected_entry_keeps_the_cache_and_is_found_under_its_new_text()
    {
        await using var app = await TestServices.StartAsync(Backend.Sqlite);
        var talks = await StoreAsync(app.Provider, "Seoul Daily", "Maritime talks resume", Talks, Day);
        var cache = app.Get<Database>().StoryKeys!;
        var read = cache.DaysRead;

        // The outlet replaces its text with the tariffs story (a wrong article fixed).
        var items = app.Get<ItemStore>();
        var source = await items.EnsureSourceAsync("document", "Seoul Daily.txt", "Seoul Daily", Ct);
        var corrected = new ParsedDocument { Title = "China lifts tariffs on Korean goods", Body = Tariffs.Trim(), Language = "en", Outlet = "Seoul Daily", PublishedAt = Day };
        Assert.Equal(StoreOutcome.Updated, await items.StoreAsync(IncomingItems.From(source, "", corrected, app.Get<TopicCatalog>(), "example.org,2025"), Ct));
        Assert.Equal(talks, await StoreAsync(app.Provider, "Busan Post", "Tariffs lifted", Lead(Tariffs), Day.AddHours(4)));
        Assert.Equal(read, cache.DaysRead);

        await using (var other = app.AnotherInstance())
        {
            var elsewhere = await other.GetRequiredService<ItemStore>().EnsureSourceAsync("document", "Busan Post.txt", "Busan Post", Ct);
            var fixedThere = new ParsedDocument { Title = "Talks resume", Body = Lead(Talks), Language = "en", Outlet = "Busan Post", PublishedAt = Day.AddHours(4) };
            Assert.Equal(StoreOutcome.Updated, await other.GetRequiredService<ItemStore>().StoreAsync(IncomingItems.From(elsewhere, "", fixedThere, other.GetRequiredService<TopicCatalog>(), "example.org,2025"), Ct));
        }
        await StoreAsync(app.Provider, "Wire Feed", "Maritime talks resume", Talks, Day.AddHours(5));
        Assert.True(cache.DaysRead > read, "a correction by another instance is not in this cache: it starts over");
    }

    [Fact]
    public async Task A_database_from_before_keeps_its_index_when_migrated()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Sub("data"), "aggregator.db");
        var stored = StoryFingerprint.Of("Maritime talks resume", Talks.Trim(), Day);
        await using (var legacy = await LegacyDatabase.CreateAsync(file, 7, Ct))
        {
            await legacy.ExecuteAsync("""
                INSERT INTO items (id, content_hash, entry_id, title, body, language, outlet, published_at, first_seen_at, updated_at)
                VALUES (7, 'h7', 'tag:example.org,2025:7', 'Maritime talks resume', @body, 'en', 'Seoul Daily', @day, @day, @day);
                INSERT INTO story_members (item_id, published, sketch) VALUES (7, @day, @sketch);
                """, new { body = Talks.Trim(), day = Day.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'"), sketch = stored.SketchBytes() });
            await legacy.ExecuteAsync("INSERT INTO story_keys (key, item_id) VALUES (@key, 7)", stored.Keys.Select(key => new { key }));
        }
        SqliteConnection.ClearAllPools();

        await using var app = await TestServices.StartAsync(Backend.Sqlite, dataDirectory: Path.GetDirectoryName(file));
        var keys = await app.ScalarAsync<byte[]>("SELECT keys FROM story_members WHERE item_id = 7");
        Assert.Equal(stored.Keys.Order(), StoryKeyCache.ReadKeys(keys).Order());
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM sqlite_master WHERE name = 'story_keys'"));
        Assert.Equal(7L, await StoreAsync(app.Provider, "Wire Feed", "Talks resume", Lead(Talks), Day.AddHours(3)));
    }
}
