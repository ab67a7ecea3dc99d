using Aggregator.Ingestion;
using Aggregator.Parsing;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Storage;

/// <summary>Copies of one story from different outlets are one entry with the others listed;
/// the same formula about another event is not; the index lives in the database.</summary>
public abstract class StoryClusteringTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Full = MaritimeTalks.Full, Summary = MaritimeTalks.Summary;

    /// <summary>The same formula, another round: other numbers, other city.</summary>
    private const string OtherRound = """
        South Korea and China agreed on Tuesday to resume a maritime dialogue suspended since 2015, the foreign ministry said after talks between vice ministers in Busan.

        The two sides discussed the steel structures China installed in the Yellow Sea, illegal fishing and coast guard cooperation, and agreed to meet again in Beijing in 2017. Officials described the talks as candid and constructive.
        """;

    private static readonly DateTime Day = new(2025, 4, 24, 9, 0, 0, DateTimeKind.Utc);

    private static async Task<StoreOutcome> StoreAsync(TestServices app, string outlet, string title, string body, DateTime published,
        Func<IReadOnlyList<TagDecision>, IReadOnlyList<TagDecision>>? tags = null)
    {
        var items = app.Get<ItemStore>();
        var source = await items.EnsureSourceAsync("document", outlet + ".txt", outlet, Ct);
        var article = new ParsedDocument { Title = title, Body = body.Trim(), Language = "en", Outlet = outlet, PublishedAt = published };
        var incoming = IncomingItems.From(source, "", article, app.Get<TopicCatalog>(), "example.org,2025");
        return await items.StoreAsync(tags is null ? incoming : incoming with { Tags = tags(incoming.Tags) }, Ct);
    }

    [Fact]
    public async Task Copies_collapse_into_one_story_and_the_index_survives_a_restart()
    {
        await using var app = await TestServices.StartAsync(backend);
        Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, Day));
        Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, "Wire Feed", "S. Korea, China to restart sea dialogue", Summary, Day.AddHours(3)));
        Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, "Harbour News", "Seoul, Beijing resume maritime talks", OtherRound, Day.AddHours(5)));

        var stories = await app.Get<ItemQueries>().NewestAsync(null, 10, Ct);
        Assert.Equal(["Harbour News", "Seoul Daily"], stories.Select(s => s.Outlet).Order());
        var first = stories.Single(s => s.Outlet == "Seoul Daily");
        Assert.Equal(["Wire Feed"], first.AlsoReportedBy.Select(c => c.Name));
        Assert.Empty(stories.Single(s => s.Outlet == "Harbour News").AlsoReportedBy);
        Assert.Equal(3, (await app.Get<ItemQueries>().NewestAsync(null, 10, Ct, collapse: false)).Count);

        await app.RestartAsync();
        var rewrite = Full.Replace("agreed on Thursday to resume", "on Thursday agreed to restart").Replace("candid and constructive", "frank and useful");
        Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, "Northeast Times", "Maritime talks back on", rewrite, Day.AddDays(1)));
        stories = await app.Get<ItemQueries>().NewestAsync(null, 10, Ct);
        Assert.Equal(["Wire Feed", "Northeast Times"], stories.Single(s => s.Outlet == "Seoul Daily").AlsoReportedBy.Select(c => c.Name));
        Assert.Equal(2, stories.Count);
    }

    [Fact]
    public async Task A_story_is_listed_under_a_tag_when_any_copy_has_it_and_the_rebuild_finds_the_same_stories()
    {
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, Day);
        await StoreAsync(app, "Wire Feed", "Talks resume", Summary, Day.AddHours(3));
        var before = await app.RowsAsync("SELECT id, coalesce(story_id, id) FROM items ORDER BY id");

        Assert.Equal(2, await app.Get<StoryRebuilder>().RebuildAsync(Ct));
        Assert.Equal(before, await app.RowsAsync("SELECT id, coalesce(story_id, id) FROM items ORDER BY id"));
        Assert.Single(before.Select(r => r.Split('|')[1]).Distinct());
        var tagged = await app.Get<ItemQueries>().NewestAsync("korea-china", 10, Ct);
        Assert.Equal("Seoul Daily", Assert.Single(tagged).Outlet);
    }

    [Fact]
    public async Task A_story_listed_under_a_tag_for_a_later_copy_carries_that_tag()
    {
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, Day, tags => [.. tags.Where(t => t.Tag == "korea-china")]);
        await StoreAsync(app, "Wire Feed", "Talks resume", Summary, Day.AddHours(3), tags => [.. tags, new TagDecision("dprk-china", 0.5, "a later copy's", [])]);

        foreach (var listed in new[] { await app.Get<ItemQueries>().NewestAsync("dprk-china", 10, Ct), await app.Get<ItemQueries>().NewestAsync(null, 10, Ct) })
        {
            var story = Assert.Single(listed);
            Assert.Equal("Seoul Daily", story.Outlet);
            Assert.Equal(["dprk-china", "korea-china"], story.Tags.Select(t => t.Tag));
            // The borrowed tag's reason quotes text the shown copy does not have: it says whose copy.
            Assert.Equal("in the copy by Wire Feed: a later copy's", story.Tags[0].Explanation);
            Assert.Equal(story.Tags[1].Reason, story.Tags[1].Explanation);
        }
        var content = Aggregator.Publishing.EntryText.Html(Assert.Single(await app.Get<ItemQueries>().NewestAsync("dprk-china", 10, Ct)));
        Assert.Contains("Tagged dprk-china: <span dir=\"auto\">in the copy by Wire Feed: a later copy&#39;s</span>", content);
    }

    /// <summary>A long article of which feeds carry only the first lines: a summary of a tenth of
    /// it is too little of the whole for the sketches to agree; its lead finds it.</summary>
    private const string LongArticle = """
        SEOUL, May 12 (Yonhap) -- Chinese cruise ships will return to Jeju Island next month for the first time in seven years, the provincial government said Monday, as Beijing eases limits on group travel to South Korea.

        Three cruise lines have booked 41 port calls between June and September, carrying an estimated 120,000 passengers, Jeju officials said. Most will sail from Shanghai and Tianjin.

        Duty-free operators on the island have begun hiring Mandarin-speaking staff and restocking cosmetics and luxury goods, brands that Chinese tour groups bought in bulk before the 2017 dispute over a US missile defence system froze the trade.

        Local merchants welcomed the news but said they hoped the new visitors would spend more time outside the duty-free shops. "Before, buses went from the port to the stores and back," said a restaurant owner near the Gangjeong terminal.

        The provincial tourism board said it would add Chinese-language signs at the terminal and run shuttle buses to traditional markets, and that mobile payment systems popular in China would be accepted at more shops.

        Industry analysts expect the return of cruise traffic to add several hundred billion won to the island's economy this year, though they cautioned that independent travellers, not tour groups, now make up most Chinese arrivals.
        """;

    /// <summary>The same dateline and opening formula, another story.</summary>
    private const string SameLeadOtherStory = "SEOUL, May 12 (Yonhap) -- Chinese cruise ships will return to Jeju Island in October, three months later than planned, after two lines postponed 18 port calls over a fuel dispute with Busan's port authority, an industry group said …";

    [Fact]
    public async Task A_feed_summary_cut_from_a_long_article_joins_its_story_whichever_comes_first()
    {
        var summary = string.Join(' ', LongArticle.Trim().Split(' ').Take(28)) + " …";
        // So short that its headline is read with it: its lead is still its body's.
        var shortSummary = string.Join(' ', LongArticle.Trim().Split(' ').Take(20)) + " …";
        var day = new DateTime(2025, 5, 12, 3, 0, 0, DateTimeKind.Utc);
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Wire Feed", "Chinese cruise ships to return to Jeju", summary, day);
        await StoreAsync(app, "Jeju Herald", "Chinese cruise ships return to Jeju after seven years", LongArticle, day.AddHours(2));
        await StoreAsync(app, "Island Daily", "Cruise ships from China coming back", LongArticle.Replace("Jeju officials said", "officials said", StringComparison.Ordinal), day.AddHours(3));
        await StoreAsync(app, "Rumour Mill", "Cruise calls unconfirmed", SameLeadOtherStory, day.AddHours(4));

        var stories = await app.Get<ItemQueries>().NewestAsync(null, 10, Ct);
        Assert.Equal(["Rumour Mill", "Wire Feed"], stories.Select(s => s.Outlet).Order());
        Assert.Equal(["Jeju Herald", "Island Daily"], stories.Single(s => s.Outlet == "Wire Feed").AlsoReportedBy.Select(c => c.Name));

        // The other way round: the article first, the summary later (a feed polled after the site).
        await using var again = await TestServices.StartAsync(backend);
        await StoreAsync(again, "Jeju Herald", "Chinese cruise ships return to Jeju after seven years", LongArticle, day);
        await StoreAsync(again, "Wire Feed", "Chinese cruise ships to return to Jeju", shortSummary, day.AddHours(2));
        Assert.Equal(["Wire Feed"], Assert.Single(await again.Get<ItemQueries>().NewestAsync(null, 10, Ct)).AlsoReportedBy.Select(c => c.Name));
    }

    /// <summary>A wire story reprinted hours later with its toll updated and a paragraph added
    /// joins the first version's story; the same text a day and a half later, with other
    /// figures, is another occurrence and a story of its own.</summary>
    [Fact]
    public async Task An_update_with_a_corrected_toll_joins_its_story()
    {
        const string Capsized = """
            A Chinese fishing boat capsized in rough seas about 70 kilometres southwest of Gageo Island early on Monday, and {0} of its crew of {1} were confirmed dead, the Mokpo coast guard said.

            The coast guard said it had sent three patrol ships and a helicopter to the area after receiving a distress call from the boat, which had been fishing in waters both countries claim.

            Chinese fishing boats often take shelter near the island when the weather turns, and Seoul and Beijing agreed last year to share rescue information faster. The Chinese embassy in Seoul said it was in contact with the Korean authorities and had asked them to continue the search for the missing sailors.
            """;
        var day = new DateTime(2024, 11, 4, 1, 0, 0, DateTimeKind.Utc);
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Wire Feed", "Chinese fishing boat capsizes off Gageo Island", string.Format(Capsized, 3, 11), day);
        await StoreAsync(app, "Harbour News", "Toll rises to five in fishing boat capsizing", string.Format(Capsized, 5, 12) + "\n\nThe bodies were taken to Mokpo, where Chinese consular officials were expected on Tuesday.", day.AddHours(5));
        await StoreAsync(app, "Island Daily", "Chinese fishing boat capsizes off Gageo Island", string.Format(Capsized, 2, 9), day.AddHours(36));

        var stories = await app.Get<ItemQueries>().NewestAsync(null, 10, Ct);
        Assert.Equal(["Island Daily", "Wire Feed"], stories.Select(s => s.Outlet).Order());
        Assert.Equal(["Harbour News"], stories.Single(s => s.Outlet == "Wire Feed").AlsoReportedBy.Select(c => c.Name));
    }

    /// <summary>An aggregator's item (Google News: the headline and the outlet's name, no text)
    /// and a wire flash join the article with their headline, whichever is stored first; a
    /// headline-only item with that headline two days on, or with a series' name for a
    /// headline, starts a story of its own.</summary>
    [Fact]
    public async Task A_headline_only_item_joins_the_article_with_its_headline_whichever_comes_first()
    {
        const string Headline = "Chinese cruise ships return to Jeju after seven years";
        var day = new DateTime(2025, 5, 12, 3, 0, 0, DateTimeKind.Utc);
        await using var app = await TestServices.StartAsync(backend);
        await StoreAsync(app, "Yonhap Flash", "(URGENT) " + Headline, "", day.AddMinutes(-30));
        await StoreAsync(app, "Jeju Herald", Headline, LongArticle, day);
        await StoreAsync(app, "News Aggregator", Headline + " - Jeju Herald", Headline, day);
        await StoreAsync(app, "Portal Briefs", Headline, "", day.AddDays(2));
        await StoreAsync(app, "Picture Desk", "Photo of the day", "A ferry leaves Incheon at dawn.", day);
        await StoreAsync(app, "Photo Wire", "Photo of the day", "Cherry blossoms in Jinhae.", day.AddHours(1));

        var stories = await app.Get<ItemQueries>().NewestAsync(null, 10, Ct);
        Assert.Equal(["Photo Wire", "Picture Desk", "Portal Briefs", "Yonhap Flash"], stories.Select(s => s.Outlet).Order());
        Assert.Equal(["Jeju Herald", "News Aggregator"], stories.Single(s => s.Outlet == "Yonhap Flash").AlsoReportedBy.Select(c => c.Name));

        // The aggregator's item first, the article it links to stored after it: the story keeps
        // the entry readers were given, and shows the article's text, saying whose.
        await using var again = await TestServices.StartAsync(backend);
        await StoreAsync(again, "News Aggregator", Headline + " - Jeju Herald", "", day);
        await StoreAsync(again, "Jeju Herald", Headline, LongArticle, day.AddHours(1));
        var story = Assert.Single(await again.Get<ItemQueries>().NewestAsync(null, 10, Ct));
        Assert.Equal((Headline + " - Jeju Herald", "News Aggregator"), (story.Title, story.Outlet));
        Assert.Equal(["Jeju Herald"], story.AlsoReportedBy.Select(c => c.Name));
        Assert.Equal((LongArticle.Trim(), "Jeju Herald"), (story.Body, story.TextFrom));
        Assert.StartsWith("<p><small>Text from Jeju Herald:</small></p>", Aggregator.Publishing.EntryText.Html(story), StringComparison.Ordinal);
        Assert.Null(Assert.Single(await again.Get<ItemQueries>().NewestAsync(null, 10, Ct, collapse: false), i => i.Outlet == "News Aggregator").TextFrom);
    }

    /// <summary>A feed carrying a flash and, half an hour later, the article it announced, read
    /// in one poll: the article heads the story, so its entry has text to show.</summary>
    [Fact]
    public async Task A_flash_stored_with_its_article_in_one_write_does_not_head_it()
    {
        const string Headline = "Chinese cruise ships return to Jeju after seven years";
        var day = new DateTime(2025, 5, 12, 3, 0, 0, DateTimeKind.Utc);
        await using var app = await TestServices.StartAsync(backend);
        var items = app.Get<ItemStore>();
        var source = await items.EnsureSourceAsync("feed", "https://wire.example/feed", "Wire", Ct);
        IncomingItem Entry(string key, string title, string body, DateTime published) => IncomingItems.From(source, key,
            new ParsedDocument { Title = title, Body = body.Trim(), Language = "en", Outlet = "Wire", PublishedAt = published }, app.Get<TopicCatalog>(), "example.org,2025");
        await using (var write = await app.Get<Database>().BeginWriteAsync(Ct))
        {
            await ItemBatch.StoreInAsync(write.Connection, write.Transaction,
                [Entry("flash", "(URGENT) " + Headline, "", day.AddMinutes(-30)), Entry("article", Headline, LongArticle, day)], day.AddHours(1));
            await write.CommitAsync(Ct);
        }
        var story = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, Ct));
        Assert.Equal(Headline, story.Title);
        Assert.Equal(["(URGENT) " + Headline], story.AlsoReportedBy.Select(c => c.Title));
    }
}

public sealed class StoryClusteringTestsOnSqlite() : StoryClusteringTests(Backend.Sqlite);

public sealed class StoryClusteringTestsOnPostgres() : StoryClusteringTests(Backend.Postgres);
