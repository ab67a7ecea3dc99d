using Aggregator.Ingestion;
using Aggregator.Parsing;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Storage;

/// <summary>Items removed by the retention setting or by hand: whole old stories go with all that
/// hangs on them, tagged and still-growing stories stay, and nothing removed comes back while a
/// source still carries it.</summary>
public abstract class ItemRemovalTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTime Day = new(2025, 4, 24, 9, 0, 0, DateTimeKind.Utc);
    private const string LongAgo = "2024-01-10T08:00:00.0000000Z";

    /// <summary>A story no topic rule is about, as a paper prints it and as a feed sums it up.</summary>
    private const string Quota = """
        Norway and the European Union agreed on Monday on next year's cod and haddock quotas in the Barents Sea, the fisheries ministry in Oslo said after a week of talks in Bergen.

        The agreement cuts the cod quota by a fifth and keeps the haddock quota level. Fishing organisations called the cut painful but necessary for the stock.
        """;
    private const string QuotaSummary = "Norway and the European Union agreed on Monday on next year's cod and haddock quotas in the Barents Sea, the fisheries ministry in Oslo said after a week of talks in Bergen. …";

    private const string Strike = """
        Train drivers in Portugal began a three-day strike on Wednesday over pay, cancelling most suburban services around Lisbon and Porto, the rail operator said.

        The union said talks with the government had failed to produce an offer that matched inflation. Commuters crowded buses and ferries across the Tagus.
        """;
    private const string StrikeSummary = "Train drivers in Portugal began a three-day strike on Wednesday over pay, cancelling most suburban services around Lisbon and Porto, the rail operator said. …";

    private static async Task<StoreOutcome> StoreAsync(TestServices app, string outlet, string title, string body, DateTime published)
    {
        var items = app.Get<ItemStore>();
        var source = await items.EnsureSourceAsync("document", outlet + ".txt", outlet, Ct);
        var article = new ParsedDocument { Title = title, Body = body.Trim(), Language = "en", Outlet = outlet, PublishedAt = published, Url = $"https://{outlet.Replace(' ', '-').ToLowerInvariant()}.example/{title.GetHashCode():x}" };
        return await items.StoreAsync(IncomingItems.From(source, "", article, app.Get<TopicCatalog>(), "example.org,2025"), Ct);
    }

    private static Task<List<string>> TitlesAsync(TestServices app) => app.RowsAsync("SELECT title FROM items ORDER BY title");

    private static Task<int> AgeAsync(TestServices app, string title) =>
        app.ExecuteAsync($"UPDATE items SET first_seen_at = '{LongAgo}', updated_at = '{LongAgo}' WHERE title = '{title}'");

    [Fact]
    public async Task Retention_removes_old_stories_whole_with_what_hangs_on_them_and_keeps_tagged_and_growing_ones()
    {
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Oslo Paper", "Cod quota cut", Quota, Day);
        await StoreAsync(app, "Wire", "Quotas agreed", QuotaSummary, Day.AddHours(2));
        await StoreAsync(app, "Lone Paper", "A lone old note", "A short note about the weather in Reykjavik, where it rained all week and the ferries stopped.", Day);
        await StoreAsync(app, "Lisbon Paper", "Rail strike", Strike, Day);
        await StoreAsync(app, "Porto Wire", "Drivers strike", StrikeSummary, Day.AddHours(1));
        await StoreAsync(app, "Seoul Daily", "Maritime talks resume", MaritimeTalks.Full, Day);
        await StoreAsync(app, "Fresh Paper", "A recent note", "A short note about the harvest in Skåne, which came in early this year after a warm spring.", Day);
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM items WHERE story_id IS NOT NULL")); // the copies are in their stories
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(DISTINCT item_id) FROM item_tags"));
        await app.Get<SearchIndex>().CatchUpAsync(Ct);
        await app.ExecuteAsync("""
            INSERT INTO mail_outbox (id, message_id, recipient, kind, subject, story_count, mime, state, next_attempt_at, created_at)
            VALUES (1, '<a@example.org>', 'desk@example.org', 'alert', 'Alert', 7, 'x', 'sent', '2025-04-24', '2025-04-24')
            """);
        await app.ExecuteAsync("INSERT INTO mail_alerted (recipient, item_id, outbox_id) SELECT 'desk@example.org', id, 1 FROM items");
        foreach (var title in new[] { "Cod quota cut", "Quotas agreed", "A lone old note", "Rail strike", "Maritime talks resume" })
            await AgeAsync(app, title); // "Drivers strike", a copy of the rail strike, is recent: that story is still growing

        var cutoff = DateTime.UtcNow.AddDays(-30);
        Assert.Equal((2, 3), await app.Get<ItemRemoval>().CountPrunableAsync(cutoff, keepTagged: true, Ct));
        Assert.Equal(3, await app.Get<ItemRemoval>().PruneAsync(cutoff, keepTagged: true, Ct));

        Assert.Equal(["A recent note", "Drivers strike", "Maritime talks resume", "Rail strike"], await TitlesAsync(app));
        Assert.Equal(4, await app.ScalarAsync<long>("SELECT count(*) FROM sightings"));
        Assert.Equal(4, await app.ScalarAsync<long>("SELECT count(*) FROM story_members"));
        Assert.Equal(4, await app.ScalarAsync<long>("SELECT count(*) FROM mail_alerted"));
        Assert.Equal(4, await app.ScalarAsync<long>("SELECT count(*) FROM item_search"));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM sightings s WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = s.item_id)"));
        Assert.Equal(["retention|3"], await app.RowsAsync("SELECT reason, count(*) FROM removed_items GROUP BY reason"));
        Assert.Equal(0, await app.Get<ItemRemoval>().PruneAsync(cutoff, keepTagged: true, Ct)); // nothing more to do

        // Stored again (a document still in its folder, a feed still carrying the entry): not back.
        Assert.Equal(StoreOutcome.Unchanged, await StoreAsync(app, "Oslo Paper", "Cod quota cut", Quota, Day));
        Assert.Equal(StoreOutcome.Unchanged, await StoreAsync(app, "Another Outlet", "Cod quota cut", Quota, Day));
        Assert.Equal(4, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        // Edited, it is new content, stored as any other.
        Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, "Lone Paper", "A lone old note", "A short note about the weather in Reykjavik, where it snowed all week and the ferries stopped.", Day));

        // Tagged stories go too once KeepTagged is off.
        Assert.Equal(1, await app.Get<ItemRemoval>().PruneAsync(cutoff, keepTagged: false, Ct));
        Assert.DoesNotContain("Maritime talks resume", await TitlesAsync(app));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM item_tags"));
    }

    [Fact]
    public async Task An_item_removed_by_hand_leaves_its_copy_heading_the_story_and_does_not_come_back_from_its_feed()
    {
        var body = Feed("a", "b");
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/feed.xml", () => Results.Text(body, "application/rss+xml")));
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        await LoopbackFeeds.FeedAsync(app, server.Url("feed.xml"));
        Assert.Equal(2, (await LoopbackFeeds.PollAsync(app)).Inserted);
        await StoreAsync(app, "Lisbon Paper", "Rail strike", Strike, Day);
        await StoreAsync(app, "Porto Wire", "Drivers strike", StrikeSummary, Day.AddHours(1));
        Assert.Equal(StoreOutcome.Sighted, await StoreAsync(app, "Faro Paper", "Rail strike", Strike, Day)); // the same item, under another link
        var faroLink = await app.ScalarAsync<string>("SELECT url FROM sightings WHERE url LIKE 'https://faro-paper.example/%'");
        var entryA = await app.ScalarAsync<string>("SELECT entry_id FROM items WHERE title = 'Entry a'");
        var head = await app.ScalarAsync<string>("SELECT entry_id FROM items WHERE title = 'Rail strike'");

        var removals = await app.Get<ItemRemoval>().RemoveAsync([entryA, "https://desk.example/b", head, "tag:nowhere,2025:1"], "retracted by the outlet", wholeStory: false, Ct);

        Assert.Equal([["Entry a"], ["Entry b"], ["Rail strike"], []], removals.Select(r => r.Removed.Select(i => i.Title).ToArray()));
        Assert.Contains("no stored item has this entry id or link", removals[3].Error, StringComparison.Ordinal);
        Assert.Equal(["Drivers strike|"], await app.RowsAsync("SELECT title, story_id FROM items")); // the copy heads the story now
        Assert.Equal(["Drivers strike"], (await app.Get<ItemQueries>().NewestAsync(null, 10, Ct)).Select(i => i.Title));
        Assert.Equal(["retracted by the outlet|3"], await app.RowsAsync("SELECT reason, count(*) FROM removed_items GROUP BY reason"));
        var again = (await app.Get<ItemRemoval>().RemoveAsync([entryA], "again", false, Ct))[0];
        Assert.Null(again.Error); // nothing left to do: a script removing it twice does not fail
        Assert.Matches(@"^removed already, on \d{4}-\d\d-\d\d \(retracted by the outlet\)$", again.Earlier);
        Assert.Matches(@"^removed already, on ", (await app.Get<ItemRemoval>().RemoveAsync([faroLink], "again", false, Ct))[0].Earlier); // asked by another outlet's link

        // The feed still carries both removed entries, and a new one: only the new one is stored.
        body = Feed("a", "b", "c");
        var poll = await LoopbackFeeds.PollAsync(app);
        Assert.Equal((1, 2), (poll.Inserted, poll.Unchanged));
        Assert.Equal(["Drivers strike", "Entry c"], await TitlesAsync(app));
    }

    [Fact]
    public async Task A_link_several_items_share_removes_none_of_them_unless_they_are_one_story_going_whole()
    {
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Lisbon Paper", "Rail strike", Strike, Day);
        await StoreAsync(app, "Oslo Paper", "Cod quota cut", Quota, Day);
        await app.ExecuteAsync("UPDATE items SET url = 'https://example.org/home'");

        var refused = await app.Get<ItemRemoval>().RemoveAsync(["https://example.org/home"], "spam", wholeStory: false, Ct);
        Assert.StartsWith("2 items of 2 stories have this link; remove one by its entry id: tag:", refused[0].Error, StringComparison.Ordinal);
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM items"));

        // Shared by the copies of one story only, the link names that story when it goes whole.
        await StoreAsync(app, "Porto Wire", "Drivers strike", StrikeSummary, Day.AddHours(1));
        await app.ExecuteAsync("UPDATE items SET url = 'https://oslo.example/cod' WHERE title = 'Cod quota cut'");
        await app.ExecuteAsync("UPDATE items SET url = 'https://example.org/home'  WHERE title <> 'Cod quota cut'");
        Assert.StartsWith("2 items have this link", (await app.Get<ItemRemoval>().RemoveAsync(["https://example.org/home"], "spam", wholeStory: false, Ct))[0].Error, StringComparison.Ordinal);
        var whole = await app.Get<ItemRemoval>().RemoveAsync(["https://example.org/home"], "spam", wholeStory: true, Ct);
        Assert.Equal(["Drivers strike", "Rail strike"], whole[0].Removed.Select(i => i.Title).Order());
        Assert.Equal(["Cod quota cut"], await TitlesAsync(app));
    }

    /// <summary>Found by an audit: a feed that repeats a notice on another day stores the repeat under
    /// a hash of its own (KnownEntries.KeepApart), and removing the repeat must keep that one out.</summary>
    [Fact]
    public async Task A_repeated_notice_removed_as_spam_stays_removed_while_the_feed_repeats_it()
    {
        var body = Notices(Notice(1, Day));
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/feed.xml", () => Results.Text(body, "application/rss+xml")));
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        await LoopbackFeeds.FeedAsync(app, server.Url("feed.xml"));
        Assert.Equal(1, (await LoopbackFeeds.PollAsync(app)).Inserted);
        body = Notices(Notice(1, Day), Notice(2, Day.AddDays(3)));
        Assert.Equal(1, (await LoopbackFeeds.PollAsync(app)).Inserted); // the repeat, kept apart

        Assert.Single((await app.Get<ItemRemoval>().RemoveAsync(["https://desk.example/notice/2"], "spam", wholeStory: false, Ct))[0].Removed);
        body += "<!-- changed -->";
        var poll = await LoopbackFeeds.PollAsync(app);
        Assert.Equal((0, 2), (poll.Inserted, poll.Unchanged));
        var reparsed = await app.Get<FeedIngestor>().ReparseAsync(await app.Get<FeedStore>().ListAsync(Ct), Ct);
        Assert.DoesNotContain(reparsed.SelectMany(r => r.Outcomes), o => o == StoreOutcome.Inserted);
        Assert.Equal(["https://desk.example/notice/1"], await app.RowsAsync("SELECT url FROM items"));
        Assert.Equal("removed already, on ", (await app.Get<ItemRemoval>().RemoveAsync(["https://desk.example/notice/2"], "spam", false, Ct))[0].Earlier?[..20]);
    }

    /// <summary>Retention let an old notice go. Its entry, still carried (even redated), and a copy
    /// dated the same day stay out; the same words in a new entry months later are news. Removed
    /// by hand, they would stay out whenever (the test above).</summary>
    [Fact]
    public async Task A_notice_retention_removed_stays_out_while_carried_but_its_repeat_months_later_is_stored()
    {
        var (desk, wire) = (Notices(Notice(1, Day)), "");
        await using var server = await LoopbackServer.StartAsync(web =>
        {
            web.MapGet("/desk.xml", () => Results.Text(desk, "application/rss+xml"));
            web.MapGet("/wire.xml", () => Results.Text(wire, "application/rss+xml"));
        });
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        await LoopbackFeeds.FeedAsync(app, server.Url("desk.xml"));
        Assert.Equal(1, (await LoopbackFeeds.PollAsync(app)).Inserted);
        await app.ExecuteAsync($"UPDATE items SET first_seen_at = '{LongAgo}', updated_at = '{LongAgo}'");
        var cutoff = DateTime.UtcNow.AddDays(-30);
        Assert.Equal(1, await app.Get<ItemRemoval>().PruneAsync(cutoff, keepTagged: true, Ct));

        // Still carried, redated by a feed that stamps every entry with today; and another outlet's
        // copy dated the same day: both stay out.
        (desk, wire) = (Notices(Notice(1, Day.AddDays(90))), Notices(Notice(77, Day.AddHours(3), "wire")));
        await LoopbackFeeds.FeedAsync(app, server.Url("wire.xml"));
        var poll = await LoopbackFeeds.PollAsync(app);
        Assert.Equal((0, 2), (poll.Inserted, poll.Unchanged));

        // The same words in a new entry two months on: news.
        desk = Notices(Notice(1, Day), Notice(2, Day.AddDays(60)));
        poll = await LoopbackFeeds.PollAsync(app);
        Assert.Equal((1, 1), (poll.Inserted, poll.Unchanged));
        Assert.Equal(["https://desk.example/notice/2"], await app.RowsAsync("SELECT url FROM items"));

        // Let go in its turn, it joins the tombstone: neither entry comes back.
        await app.ExecuteAsync($"UPDATE items SET first_seen_at = '{LongAgo}', updated_at = '{LongAgo}'");
        Assert.Equal(1, await app.Get<ItemRemoval>().PruneAsync(cutoff, keepTagged: true, Ct));
        (desk, wire) = (desk + "<!-- changed -->", wire + "<!-- changed -->");
        poll = await LoopbackFeeds.PollAsync(app);
        Assert.Equal((0, 3), (poll.Inserted, poll.Unchanged));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM removed_items"));
    }

    /// <summary>A feed repeats a notice months later: the repeat is kept apart under a hash of its
    /// own, and removed under it. Once its twin is gone too (retention), the repeat arrives with
    /// the plain hash, no longer set apart: it must still stay out, removed by hand or let go.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_repeat_removed_under_its_own_hash_stays_out_after_its_twin_goes(bool byHand)
    {
        var body = Notices(Notice(1, Day), Notice(2, Day.AddDays(150)));
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/feed.xml", () => Results.Text(body, "application/rss+xml")));
        await using var app = await LoopbackFeeds.ServicesAsync(backend);
        await LoopbackFeeds.FeedAsync(app, server.Url("feed.xml"));
        Assert.Equal(2, (await LoopbackFeeds.PollAsync(app)).Inserted); // the repeat kept apart
        var removal = app.Get<ItemRemoval>();
        if (byHand) Assert.Single((await removal.RemoveAsync(["https://desk.example/notice/2"], "spam", wholeStory: false, Ct))[0].Removed);
        await app.ExecuteAsync($"UPDATE items SET first_seen_at = '{LongAgo}', updated_at = '{LongAgo}'");
        Assert.Equal(byHand ? 1 : 2, await removal.PruneAsync(DateTime.UtcNow.AddDays(-30), keepTagged: true, Ct));

        body += "<!-- changed -->";
        var poll = await LoopbackFeeds.PollAsync(app);
        Assert.Equal((0, 2), (poll.Inserted, poll.Unchanged));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task An_entry_id_names_its_item_whatever_links_say_and_a_link_two_stories_share_is_refused_even_whole()
    {
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Lisbon Paper", "Rail strike", Strike, Day);
        await StoreAsync(app, "Oslo Paper", "Cod quota cut", Quota, Day);
        var strikeId = await app.ScalarAsync<string>("SELECT entry_id FROM items WHERE title = 'Rail strike'");
        await app.ExecuteAsync($"UPDATE items SET url = '{strikeId}' WHERE title = 'Cod quota cut'"); // a link that reads as the other's id

        var byId = (await app.Get<ItemRemoval>().RemoveAsync([strikeId], "retracted", wholeStory: false, Ct))[0];
        Assert.Equal(["Rail strike"], byId.Removed.Select(i => i.Title));

        await StoreAsync(app, "Porto Paper", "Drivers strike", Strike.Replace("three-day", "two-day", StringComparison.Ordinal), Day);
        await app.ExecuteAsync("UPDATE items SET url = 'https://example.org/home'");
        var refused = (await app.Get<ItemRemoval>().RemoveAsync(["https://example.org/home"], "spam", wholeStory: true, Ct))[0];
        Assert.StartsWith("2 items of 2 stories have this link", refused.Error, StringComparison.Ordinal);
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task A_queued_alert_carrying_a_removed_story_is_withdrawn_and_its_other_stories_are_alerted_again()
    {
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Lisbon Paper", "Rail strike", Strike, Day);
        await StoreAsync(app, "Oslo Paper", "Cod quota cut", Quota, Day);
        await app.ExecuteAsync("""
            INSERT INTO mail_outbox (id, message_id, recipient, kind, subject, story_count, mime, state, next_attempt_at, created_at)
            VALUES (1, '<a@example.org>', 'desk@example.org', 'alert', 'Alert', 2, 'x', 'queued', '2025-04-24', '2025-04-24'),
                   (2, '<b@example.org>', 'desk@example.org', 'alert', 'Alert', 1, 'x', 'sent', '2025-04-23', '2025-04-23'),
                   (3, '<c@example.org>', 'desk@example.org', 'alert', 'Alert', 2, 'x', 'failed', '2025-04-23', '2025-04-23'),
                   (4, '<d@example.org>', 'desk@example.org', 'alert', 'Alert', 2, 'x', 'sending', '2025-04-23', '2025-04-23')
            """);
        foreach (var (outbox, recipient) in new[] { (1, "desk"), (2, "night"), (3, "wire"), (4, "early") })
            await app.ExecuteAsync($"INSERT INTO mail_alerted (recipient, item_id, outbox_id) SELECT '{recipient}@example.org', id, {outbox} FROM items");
        var strike = await app.ScalarAsync<string>("SELECT entry_id FROM items WHERE title = 'Rail strike'");

        Assert.Equal(2, (await app.Get<ItemRemoval>().RemoveAsync([strike], "retracted", wholeStory: false, Ct))[0].Withdrawn);

        // The queued alert and the failed one (`mail retry` would send it) are withdrawn; one sent,
        // or being sent (a sender claimed it), cannot be.
        Assert.Equal(["1|withdrawn|withdrawn.1.<a@example.org>", "2|sent|<b@example.org>", "3|withdrawn|withdrawn.3.<c@example.org>", "4|sending|<d@example.org>"],
            await app.RowsAsync("SELECT id, state, message_id FROM mail_outbox ORDER BY id"));
        Assert.StartsWith("withdrawn before sending", await app.ScalarAsync<string>("SELECT last_error FROM mail_outbox WHERE id = 1"), StringComparison.Ordinal);
        Assert.Equal(["early@example.org|Cod quota cut", "night@example.org|Cod quota cut"],
            await app.RowsAsync("SELECT a.recipient, i.title FROM mail_alerted a JOIN items i ON i.id = a.item_id ORDER BY a.recipient"));
    }

    [Fact]
    public async Task Retention_keeps_an_old_story_that_was_edited_lately()
    {
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Lisbon Paper", "Rail strike", Strike, Day);
        await StoreAsync(app, "Oslo Paper", "Cod quota cut", Quota, Day);
        await app.ExecuteAsync($"UPDATE items SET first_seen_at = '{LongAgo}'");
        await app.ExecuteAsync($"UPDATE items SET updated_at = '{LongAgo}' WHERE title = 'Cod quota cut'"); // the strike's page was edited since

        Assert.Equal(1, await app.Get<ItemRemoval>().PruneAsync(DateTime.UtcNow.AddDays(-30), keepTagged: true, Ct));
        Assert.Equal(["Rail strike"], await TitlesAsync(app));
    }

    /// <summary>A notice an office repeats, the same words each time, as entry n of a feed.</summary>
    private static string Notice(int n, DateTime day, string feed = "notice") =>
        $"<item><guid>urn:{feed}:{n}</guid><title>Office closed</title><link>https://desk.example/{feed}/{n}</link><description>The office is closed on the holiday; the desk answers mail the day after.</description><pubDate>{day:R}</pubDate></item>";

    private static string Notices(params string[] items) => $"<rss version=\"2.0\"><channel><title>Notices</title>{string.Concat(items)}</channel></rss>";

    private static string Feed(params string[] entries) =>
        "<rss version=\"2.0\"><channel><title>Desk</title><link>https://desk.example/</link>" + string.Concat(entries.Select(e =>
            $"<item><guid>urn:desk:{e}</guid><title>Entry {e}</title><link>https://desk.example/{e}</link><description>The desk's note {e}, about the harbour's new cranes and what they can lift.</description><pubDate>{Day:R}</pubDate></item>"))
        + "</channel></rss>";
}

public sealed class ItemRemovalTestsOnSqlite() : ItemRemovalTests(Backend.Sqlite);

public sealed class ItemRemovalTestsOnPostgres() : ItemRemovalTests(Backend.Postgres);
