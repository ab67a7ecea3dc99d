using Aggregator.Ingestion;
using Aggregator.Parsing;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;
using Aggregator.Tests.Processing;
using Aggregator.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Tests.Storage;

/// <summary>The search index narrows a search to the items that can match; what a search finds
/// must be the same before the indexer ran, after it, and after an edit it has not seen yet, in
/// every script our readers search in.</summary>
public abstract class SearchIndexTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTime Day = new(2025, 4, 24, 9, 0, 0, DateTimeKind.Utc);

    private const string Talks = "Maritime talks resume";
    private const string Samtal = "Sydkorea och Kina återupptar samtal";
    private const string Huitan = "中韩外长在北京举行会谈";
    private const string Hoedam = "한중 외교장관 회담";
    private const string Shuno = "日韓首脳会談";
    private const string Long = "A very long record";
    private const string Thaad = "サード（ＴＨＡＡＤ）配備で３か国協議";
    private const string XiCurly = "Xi’s visit to Busan";
    private const string XiStraight = "O'Brien: Xi's visit matters";
    private const string YoonPhrase = "Yoon Suk Yeol meets an envoy";
    private const string YoonApart = "Yeol, Suk and Yoon: three names";
    /// <summary>Stored decomposed (NFD), as a Mac or some CMSs write it: found when composed.</summary>
    private const string Varlden = "Världsläget: utrikesministern besöker Malmö";
    private const string Bukhan = "북한 외교장관 방중";
    private const string Wrapped = "A text wrapped in its lines";

    /// <summary>More distinct grams than SearchGrams.MaxPerItem (random CJK Extension A characters,
    /// which no other article uses): never indexed, still found.</summary>
    private static readonly string LongBody = SearchGramsTests.Random(60_000);

    private static readonly (string Title, string Body, string Language)[] Articles =
    [
        (Talks, "South Korea and China agreed to resume a maritime dialogue, the ministry in Seoul said. Talks on the Yellow Sea will follow in Beijing.", "en"),
        (Samtal, "Sydkoreas utrikesminister möter sin kinesiska kollega i Peking. Kinapolitiken står i centrum.", "sv"),
        (Huitan, "韩国外交部长与中国外交部长在北京会谈，讨论中韩关系。", "zh"),
        (Hoedam, "한국과 중국의 외교장관이 베이징에서 만나 한중 관계를 논의했다.", "ko"),
        (Shuno, "ＤＰＲＫ問題について協議した。", "ja"),
        (Long, LongBody, "zh"),
        (Thaad, "ｿｳﾙで協議した", "ja"),
        (XiCurly, "The president’s trip was announced on Monday.", "en"),
        (XiStraight, "Analysts in Washington said the trip matters.", "en"),
        (YoonPhrase, "President Yoon Suk Yeol met the envoy.", "en"),
        (YoonApart, "Names in a list.", "en"),
        (Varlden.Normalize(System.Text.NormalizationForm.FormD), "Den svenska utrikesministern reser i dag.".Normalize(System.Text.NormalizationForm.FormD), "sv"),
        (Wrapped, "Foreign Minister Wang Yi\nin Beijing on Tuesday.\n\nHe spoke of the ferry routes.", "en"),
        (Bukhan.Normalize(System.Text.NormalizationForm.FormD), "외교장관이 베이징을 방문했다".Normalize(System.Text.NormalizationForm.FormD), "ko"),
    ];

    /// <summary>Each search and the titles it must find: whole words and parts of words (Swedish
    /// compounds), one, two and more Chinese characters, Korean with its particles, a word typed
    /// in full width, two words, punctuation alone and a word nobody wrote.</summary>
    public static TheoryData<string, string[]> Searches() => new()
    {
        { "korea", [Talks, Samtal] },
        { "orea", [Talks, Samtal] },
        { "KINA", [Samtal] },
        { "北京", [Huitan] },
        { "韩", [Huitan] },
        { "中韩关系", [Huitan] },
        { "한중", [Hoedam] },
        { "중국", [Hoedam] },
        { "ＤＰＲＫ", [Shuno] },
        { "Seoul beijing", [Talks] },
        { "。", [Huitan, Shuno] },
        { "zzzq", [] },
        { LongBody.Substring(30_000, 4), [Long] },
        // Width both ways: what a Japanese outlet writes in full width is found by what a reader
        // types on an ordinary keyboard, and half-width katakana by full-width.
        { "THAAD", [Thaad] },
        { "thaad", [Thaad] },
        { "DPRK", [Shuno] },
        { "3か国", [Thaad] },
        { "ソウル", [Thaad] },
        { "ｿｳﾙ", [Thaad] },
        // Either apostrophe finds both.
        { "Xi's", [XiCurly, XiStraight] },
        { "Xi’s", [XiCurly, XiStraight] },
        // A phrase in quotes holds its words in order; without them, the words anywhere.
        { "\"Yoon Suk Yeol\"", [YoonPhrase] },
        { "“yoon suk yeol”", [YoonPhrase] },
        { "“Yoon Suk Yeol\"", [YoonPhrase] }, // quotes of two styles still close
        { "\"", [Bukhan, Huitan, Hoedam, Long, Samtal, Shuno, Talks, Thaad, Varlden, Wrapped, XiCurly, XiStraight, YoonApart, YoonPhrase] }, // quotes alone: no search
        // A phrase's words across a line break, not across a paragraph's end.
        { "\"Wang Yi in Beijing\"", [Wrapped] },
        { "\"Tuesday he spoke\"", [] },
        { "Yoon Suk Yeol", [YoonApart, YoonPhrase] },
        // Text that came decomposed is stored composed, and found.
        { "besöker", [Varlden] },
        { "utrikesminister", [Samtal, Varlden] },
        { "외교장관", [Bukhan, Hoedam] },
        // Characters copied along with a word match nothing and are dropped; ones normalization
        // refuses, or PostgreSQL does (NUL), fail nothing.
        { "THAAD\u200B", [Thaad] },
        { "\u00ADTHAAD\u0001", [Thaad] },
        { "zzzq\uFFFE", [] },
        { "THAAD\0", [Thaad] },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task A_search_finds_the_same_before_and_after_the_index(string words, string[] expected)
    {
        await using var app = await StartAsync();
        Assert.Equal(expected.Order(StringComparer.Ordinal), await FoundAsync(app, words)); // nothing indexed yet: read whole

        Assert.Equal(Articles.Length, await app.Get<SearchIndex>().CatchUpAsync(Ct));
        Assert.Equal(expected.Order(StringComparer.Ordinal), await FoundAsync(app, words));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM items WHERE search_state = 2"));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM items WHERE search_state = 1"));
        Assert.Equal(0, await app.Get<SearchIndex>().CatchUpAsync(Ct));
    }

    /// <summary>Letters PostgreSQL lowers otherwise than .NET (İ to i; Σ to ς at a word's end under
    /// ICU) or that carry combining marks: whatever the database's LIKE takes for a match, the
    /// index must not hide (an audit found "israil" lost "İsrail" on PostgreSQL once indexed).</summary>
    [Theory]
    [InlineData("israil")]
    [InlineData("İsrail")]
    [InlineData("IRAN")]
    [InlineData("İSTANBUL")]
    [InlineData("istanbul")]
    [InlineData("ΌΣΜΟΣ")]
    [InlineData("ας")]
    [InlineData("ΛΗΣ")]
    [InlineData("odysseas")]
    [InlineData("i\u0307srail")]
    public async Task A_search_beyond_ASCII_case_finds_the_same_before_and_after_the_index(string words)
    {
        await using var app = await TestServices.StartAsync(backend);
        foreach (var (title, body, language) in new[]
                 {
                     ("İSTANBUL'da zirve", "İsrail ve İran arasında gerilim. Istanbul summit.", "tr"),
                     ("istanbul notes", "israil iran", "tr"),
                     ("ΟΔΥΣΣΕΑΣ ΤΗΣ ΙΘΑΚΗΣ", "Η ιστορία της πόλης και ο κόσμος.", "el"),
                     ("Decomposed", "i\u0307srail and odysseas", "en"),
                 })
            Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, title, body, language));
        var before = await FoundAsync(app, words);
        await app.Get<SearchIndex>().CatchUpAsync(Ct);
        Assert.Equal(before, await FoundAsync(app, words));
    }

    /// <summary>A word most items hold is not narrowed (past SearchIndex.MaxCandidates the
    /// stories are read in date order, which stops at the page's end), and finds the same.</summary>
    [Fact]
    public async Task A_word_in_more_items_than_the_index_narrows_to_finds_the_same()
    {
        await using var app = await StartAsync();
        await using (var connection = await app.Get<Database>().OpenAsync(Ct))
        {
            Assert.NotNull(await SearchIndex.CandidatesAsync(connection, [["korea"]], stories: true, Ct));
            Assert.Null(await SearchIndex.CandidatesAsync(connection, [["--"]], stories: true, Ct));
        }
        for (var n = 0; n < SearchIndex.MaxCandidates; n++)
            await StoreAsync(app, $"Korea note {n}", $"Korea and China, note {n} of many.", "en");
        await app.Get<SearchIndex>().CatchUpAsync(Ct);
        await using (var connection = await app.Get<Database>().OpenAsync(Ct))
            Assert.Null(await SearchIndex.CandidatesAsync(connection, [["korea"]], stories: true, Ct));
        var page = await app.Get<ItemQueries>().PageAsync(new ItemFilter { Text = "korea" }, 1, 50, Ct);
        Assert.Equal(SearchIndex.MaxCandidates + 2, page.Total);
        Assert.Equal([Samtal], await FoundAsync(app, "Kinapolitiken"));
    }

    /// <summary>A search while the indexer commits the very item it looks for still finds it:
    /// the items waiting and the grams are read in one snapshot (read in two statements, an
    /// audit saw 41–100 empty answers in a few thousand searches).</summary>
    [Fact]
    public async Task A_search_during_indexing_finds_the_item_being_indexed()
    {
        await using var app = await TestServices.StartAsync(backend);
        var (misses, searches) = (0, 0);
        for (var n = 0; n < 100; n++)
        {
            var word = "zqx" + new string(n.ToString("D3", System.Globalization.CultureInfo.InvariantCulture).Select(d => (char)('a' + d - '0')).ToArray());
            await StoreAsync(app, "Note " + word, "A note on " + word + ".", "en");
            using var stop = new CancellationTokenSource();
            var searcher = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    if ((await app.Get<ItemQueries>().PageAsync(new ItemFilter { Text = word, Collapse = false }, 1, 10, Ct)).Total == 0)
                        Interlocked.Increment(ref misses);
                    Interlocked.Increment(ref searches);
                }
            }, Ct);
            await Task.Delay(2, Ct);
            await app.Get<SearchIndex>().IndexBatchAsync(Ct);
            await Task.Delay(2, Ct);
            await stop.CancelAsync();
            await searcher;
        }
        Assert.True(searches > 100, $"only {searches} searches ran");
        Assert.Equal(0, misses);
    }

    /// <summary>An index built with grams computed another way (an earlier version's) is built again
    /// by the next process to start.</summary>
    [Fact]
    public async Task Grams_of_another_version_are_indexed_again()
    {
        await using var app = await StartAsync();
        Assert.Equal(Articles.Length, await app.Get<SearchIndex>().CatchUpAsync(Ct));
        Assert.Equal(0, await app.Get<SearchIndex>().CatchUpAsync(Ct));
        await app.ExecuteAsync("UPDATE settings SET value = 'earlier' WHERE key = 'search_grams_version'");
        await app.RestartAsync(); // a process checks the version once, at its first catch-up
        Assert.Equal(Articles.Length, await app.Get<SearchIndex>().CatchUpAsync(Ct));
        Assert.Equal([Huitan], await FoundAsync(app, "北京"));
    }

    /// <summary>Once indexed, an item is read only when its grams match: text written behind the
    /// index's back is not found (the index is consulted), until the item waits again.</summary>
    [Fact]
    public async Task An_indexed_item_is_read_only_when_its_grams_match()
    {
        await using var app = await StartAsync();
        await app.Get<SearchIndex>().CatchUpAsync(Ct);
        await app.ExecuteAsync($"UPDATE items SET body = body || ' zebrafinch' WHERE title = '{Talks}'");
        Assert.Empty(await FoundAsync(app, "zebrafinch"));

        await app.ExecuteAsync($"UPDATE items SET search_state = 1 WHERE title = '{Talks}'");
        Assert.Equal([Talks], await FoundAsync(app, "zebrafinch"));
    }

    /// <summary>A correction waits for the indexer, and is found by its new text at once.</summary>
    [Fact]
    public async Task An_edited_item_is_found_by_its_new_text_before_and_after_indexing()
    {
        await using var app = await StartAsync();
        await app.Get<SearchIndex>().CatchUpAsync(Ct);
        var body = "South Korea and China agreed to resume a maritime dialogue, the ministry in Seoul said. Talks on Jeju will follow in Beijing.";
        Assert.Equal(StoreOutcome.Updated, await StoreAsync(app, Talks, body, "en"));

        Assert.Equal([Talks], await FoundAsync(app, "Jeju"));
        Assert.Empty(await FoundAsync(app, "Yellow"));
        Assert.Equal(1, await app.Get<SearchIndex>().CatchUpAsync(Ct));
        Assert.Equal([Talks], await FoundAsync(app, "Jeju"));
        Assert.Empty(await FoundAsync(app, "Yellow"));
    }

    /// <summary>An item stored decomposed by an earlier version (text is composed at ingest now,
    /// but what was stored stays as it was): found by its words typed composed.</summary>
    [Fact]
    public async Task An_item_stored_decomposed_before_is_found_by_its_words_typed_composed()
    {
        await using var app = await StartAsync();
        await using (var write = await app.Get<Database>().BeginWriteAsync(Ct))
        {
            await Dapper.SqlMapper.ExecuteAsync(write.Connection, """
                INSERT INTO items (content_hash, entry_id, title, body, language, first_seen_at, updated_at)
                VALUES ('decomposed', 'tag:example.org,2025:decomposed', @title, @body, 'sv', '2025-04-24T09:00:00.0000000Z', '2025-04-24T09:00:00.0000000Z')
                """, new { title = "Gammal artikel", body = "Ministern stärker banden med Seoul. 외교장관 회담".Normalize(System.Text.NormalizationForm.FormD) }, write.Transaction);
            await write.CommitAsync(Ct);
        }
        Assert.Equal(["Gammal artikel"], await FoundAsync(app, "stärker"));
        Assert.Equal(["Gammal artikel", Bukhan, Hoedam], await FoundAsync(app, "외교장관"));
        await app.Get<SearchIndex>().CatchUpAsync(Ct);
        Assert.Equal(["Gammal artikel"], await FoundAsync(app, "stärker"));
        Assert.Equal(["Gammal artikel", Bukhan, Hoedam], await FoundAsync(app, "외교장관"));
    }

    /// <summary>Chinese is stored with its script: "zh" finds either, "zh-TW" (as a reader in
    /// Taiwan writes it) the traditional characters only, "zh-CN" the simplified.</summary>
    [Theory]
    [InlineData("zh", new[] { "中国外交部长访问首尔", "中方表示", "中國外交部長訪問首爾" })]
    [InlineData("zh-TW", new[] { "中國外交部長訪問首爾" })]
    [InlineData("zh-Hant", new[] { "中國外交部長訪問首爾" })]
    [InlineData("zh-CN", new[] { "中国外交部长访问首尔" })]
    [InlineData("en", new[] { "Ministers meet" })]
    public async Task A_language_filter_for_Chinese_finds_either_script_or_the_one_asked_for(string lang, string[] expected)
    {
        await using var app = await TestServices.StartAsync(backend);
        foreach (var (title, body) in new[]
                 {
                     ("中国外交部长访问首尔", "双方讨论了经贸合作。"),
                     ("中國外交部長訪問首爾", "雙方討論了經貿合作。"),
                     ("中方表示", "中方表示。"),
                     ("Ministers meet", "The ministers met in Seoul."),
                 })
        {
            var items = app.Get<ItemStore>();
            var source = await items.EnsureSourceAsync("document", title + ".txt", title, Ct);
            var article = new ParsedDocument { Title = title, Body = body, Language = LanguageDetector.Detect(title, body), PublishedAt = Day };
            Assert.Equal(StoreOutcome.Inserted, await items.StoreAsync(IncomingItems.From(source, "", article, app.Provider.GetRequiredService<TopicCatalog>(), "example.org,2025"), Ct));
        }
        var filter = Aggregator.Publishing.ListingQuery.FilterOf(null, lang, null, null, null, collapse: true, name => name, out var error);
        Assert.Null(error);
        var found = (await app.Get<ItemQueries>().PageAsync(filter, 1, 50, Ct)).Items.Select(i => i.Title).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), found);
    }

    /// <summary>Chinese stored as "zh" by an earlier version gets its script when the items are
    /// retagged (at the first start after an upgrade, or `aggregator retag`); other languages stay.</summary>
    [Fact]
    public async Task Chinese_stored_before_its_script_was_told_gets_it_at_the_next_retag()
    {
        await using var app = await TestServices.StartAsync(backend);
        Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, "中國外交部長訪問首爾", "雙方討論了經貿合作。", "zh"));
        Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, "中方表示", "中方表示。", "zh"));
        Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, "Talks in Seoul", "The ministers met.", "en"));
        await app.Get<Retagger>().RetagAllAsync(Ct);
        Assert.Equal("zh-Hant", await app.ScalarAsync<string>("SELECT language FROM items WHERE title = '中國外交部長訪問首爾'"));
        Assert.Equal("zh", await app.ScalarAsync<string>("SELECT language FROM items WHERE title = '中方表示'"));
        Assert.Equal("en", await app.ScalarAsync<string>("SELECT language FROM items WHERE title = 'Talks in Seoul'"));
        var traditional = await app.Get<ItemQueries>().PageAsync(new ItemFilter { Language = "zh-Hant" }, 1, 50, Ct);
        Assert.Equal(["中國外交部長訪問首爾"], traditional.Items.Select(i => i.Title));
    }

    private async Task<TestServices> StartAsync()
    {
        var app = await TestServices.StartAsync(backend);
        foreach (var (title, body, language) in Articles)
            Assert.Equal(StoreOutcome.Inserted, await StoreAsync(app, title, body, language));
        return app;
    }

    private static async Task<StoreOutcome> StoreAsync(TestServices app, string title, string body, string language)
    {
        var items = app.Get<ItemStore>();
        var source = await items.EnsureSourceAsync("document", title + ".txt", title, Ct);
        var article = new ParsedDocument { Title = title, Body = body, Language = language, Outlet = title, PublishedAt = Day };
        return await items.StoreAsync(IncomingItems.From(source, "", article, app.Provider.GetRequiredService<TopicCatalog>(), "example.org,2025"), Ct);
    }

    private static async Task<List<string>> FoundAsync(TestServices app, string words) =>
        (await app.Get<ItemQueries>().PageAsync(new ItemFilter { Text = words }, 1, 50, Ct)).Items.Select(i => i.Title).Order(StringComparer.Ordinal).ToList();
}

public sealed class SearchIndexTestsOnSqlite() : SearchIndexTests(Backend.Sqlite);

public sealed class SearchIndexTestsOnPostgres() : SearchIndexTests(Backend.Postgres);
