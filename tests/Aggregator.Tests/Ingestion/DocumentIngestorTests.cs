using Aggregator.Ingestion;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Ingestion;

/// <summary>The document pipeline end to end on a real SQLite file.</summary>
public abstract class DocumentIngestorTests(Backend backend)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string AllRows = """
        SELECT 'item', id, content_hash, entry_id, title, body, published_at, first_seen_at, updated_at FROM items
        UNION ALL SELECT 'sighting', id, CAST(source_id AS TEXT), entry_key, CAST(item_id AS TEXT), content_hash, first_seen_at, last_changed_at, '' FROM sightings
        UNION ALL SELECT 'tag', item_id, tag, CAST(score AS TEXT), evidence, rules_version, '', '', '' FROM item_tags
        ORDER BY 1, 2, 3
        """;

    [Fact]
    public async Task Importing_the_seeds_again_changes_nothing()
    {
        await using var app = await TestServices.StartAsync(backend);
        var ingestor = app.Get<DocumentIngestor>();

        var first = await ingestor.ImportAsync([RepoPaths.Seeds], null, None);
        var before = await app.RowsAsync(AllRows);
        var second = await ingestor.ImportAsync([RepoPaths.Seeds], null, None);
        var third = await ingestor.ImportAsync([RepoPaths.Seeds], null, None);

        Assert.Equal((5, 5, 0), (first.Documents, first.Inserted, first.Failures.Count));
        Assert.Equal((5, 0, 5), (second.Documents, second.Inserted, second.Unchanged));
        Assert.Equal(5, third.Unchanged);
        Assert.Equal(before, await app.RowsAsync(AllRows));
        Assert.Equal(5, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal(10, await app.ScalarAsync<long>("SELECT count(*) FROM item_tags"));
    }

    [Fact]
    public async Task A_copy_from_another_source_is_a_sighting_not_an_item()
    {
        await using var app = await TestServices.StartAsync(backend);
        var seed = Directory.GetFiles(RepoPaths.Seeds).Order().First();
        var copy = app.Temp.File("elsewhere/mirror-of-seed.txt", File.ReadAllText(seed).Replace("\n", "\r\n") + "\n\n");

        await app.Get<DocumentIngestor>().ImportAsync([RepoPaths.Seeds], null, None);
        var summary = await app.Get<DocumentIngestor>().ImportAsync([copy], null, None);

        Assert.Equal(1, summary.Sighted);
        Assert.Equal(5, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        var items = await app.Get<ItemQueries>().NewestAsync(null, 50, None);
        var carried = Assert.Single(items, i => i.Sightings.Count == 2);
        Assert.Contains(carried.Sightings, s => s.Locator.EndsWith("mirror-of-seed.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_edited_document_updates_its_item_and_keeps_its_id()
    {
        await using var app = await TestServices.StartAsync(backend);
        var seed = File.ReadAllText(Directory.GetFiles(RepoPaths.Seeds).Order().Last());
        var path = app.Temp.File("docs/story.txt", seed);
        var ingestor = app.Get<DocumentIngestor>();
        await ingestor.ImportAsync([path], null, None);
        var before = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, None));

        File.WriteAllText(path, seed.Replace("vow to strengthen ties", "vow to deepen ties", StringComparison.Ordinal));
        var summary = await ingestor.ImportAsync([path], null, None);

        Assert.Equal(1, summary.Updated);
        var after = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, None));
        Assert.Equal("Leaders of North Korea, China vow to deepen ties", after.Title);
        Assert.Equal(before.EntryId, after.EntryId);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM sightings"));
        Assert.Contains(after.Tags, t => t.Tag == "korea-china");
    }

    [Fact]
    public async Task A_rewritten_document_becomes_a_new_entry_for_readers()
    {
        await using var app = await TestServices.StartAsync(backend);
        var seeds = Directory.GetFiles(RepoPaths.Seeds).Order().ToList();
        var path = app.Temp.File("docs/story.txt", File.ReadAllText(seeds[^1]));
        var ingestor = app.Get<DocumentIngestor>();
        await ingestor.ImportAsync([path], null, None);
        var before = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, None));

        // Readers ignore in-place edits of an entry they have read: a different story under the same file is news.
        File.WriteAllText(path, File.ReadAllText(seeds[0]));
        Assert.Equal(1, (await ingestor.ImportAsync([path], null, None)).Updated);

        var after = Assert.Single(await app.Get<ItemQueries>().NewestAsync(null, 10, None));
        Assert.NotEqual(before.EntryId, after.EntryId);
        Assert.Equal(before.Id, after.Id);
    }

    /// <summary>An item corrected in place keeps the published id its first text gave it. When
    /// that first text turns up again (a wire copy that was never corrected), it is a new item,
    /// and it needs an id of its own: the first one is taken.</summary>
    [Fact]
    public async Task The_first_text_of_a_corrected_item_published_again_is_stored_under_an_id_of_its_own()
    {
        await using var app = await TestServices.StartAsync(backend);
        var seed = File.ReadAllText(Directory.GetFiles(RepoPaths.Seeds).Order().Last());
        var path = app.Temp.File("docs/story.txt", seed);
        var ingestor = app.Get<DocumentIngestor>();
        await ingestor.ImportAsync([path], null, None);
        File.WriteAllText(path, seed.Replace("vow to strengthen ties", "vow to deepen ties", StringComparison.Ordinal));
        Assert.Equal(1, (await ingestor.ImportAsync([path], null, None)).Updated);

        var wire = app.Temp.File("wire/story.txt", seed);
        var summary = await ingestor.ImportAsync([wire], null, None);

        Assert.Empty(summary.Failures);
        Assert.Equal(1, summary.Inserted);
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(DISTINCT entry_id) FROM items"));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM items WHERE title = 'Leaders of North Korea, China vow to strengthen ties'"));

        // And again, under yet another id, should the second one be corrected too.
        File.WriteAllText(wire, seed.Replace("vow to strengthen ties", "vow to reinforce ties", StringComparison.Ordinal));
        Assert.Equal(1, (await ingestor.ImportAsync([wire], null, None)).Updated);
        var again = await ingestor.ImportAsync([app.Temp.File("third/story.txt", seed)], null, None);
        Assert.Empty(again.Failures);
        Assert.Equal(3, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal(3, await app.ScalarAsync<long>("SELECT count(DISTINCT entry_id) FROM items"));
    }

    /// <summary>The same for an entry rewritten into that first text: it becomes news under a new
    /// id, and the one its text would give is taken.</summary>
    [Fact]
    public async Task An_entry_rewritten_into_the_first_text_of_a_corrected_item_gets_an_id_of_its_own()
    {
        await using var app = await TestServices.StartAsync(backend);
        var seeds = Directory.GetFiles(RepoPaths.Seeds).Order().ToList();
        var first = File.ReadAllText(seeds[^1]);
        var corrected = app.Temp.File("docs/corrected.txt", first);
        var rewritten = app.Temp.File("docs/rewritten.txt", File.ReadAllText(seeds[0]));
        var ingestor = app.Get<DocumentIngestor>();
        await ingestor.ImportAsync([corrected, rewritten], null, None);
        File.WriteAllText(corrected, first.Replace("vow to strengthen ties", "vow to deepen ties", StringComparison.Ordinal));
        Assert.Equal(1, (await ingestor.ImportAsync([corrected], null, None)).Updated);

        File.WriteAllText(rewritten, first);
        var summary = await ingestor.ImportAsync([rewritten], null, None);

        Assert.Empty(summary.Failures);
        Assert.Equal(1, summary.Updated);
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(DISTINCT entry_id) FROM items"));
    }

    /// <summary>A document the database refuses (here a trigger refuses one title) is reported
    /// with the database's reason, and the documents after it are still stored.</summary>
    [Fact]
    public async Task A_document_the_database_refuses_is_reported_and_the_rest_are_stored()
    {
        await using var app = await TestServices.StartAsync(backend);
        await using (var connection = await app.Get<Database>().OpenAsync(None))
            await Dapper.SqlMapper.ExecuteAsync(connection, backend == Backend.Postgres
                ? """
                  CREATE FUNCTION refuse_test_item() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN IF NEW.title LIKE '%refused%' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
                  CREATE TRIGGER refuse_test_item BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION refuse_test_item();
                  """
                : """
                  CREATE TRIGGER refuse_test_item BEFORE INSERT ON items WHEN NEW.title LIKE '%refused%'
                  BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
                  """);
        var folder = app.Temp.Sub("mixed");
        var seeds = Directory.GetFiles(RepoPaths.Seeds).Order().ToList();
        File.Copy(seeds[0], Path.Combine(folder, "a-good.txt"));
        File.WriteAllText(Path.Combine(folder, "b-refused.txt"), "A refused headline\n\nSeoul and Beijing held talks on Thursday.\n");
        File.Copy(seeds[^1], Path.Combine(folder, "c-good.txt"));

        var summary = await app.Get<DocumentIngestor>().ImportAsync([folder], null, None);

        Assert.Equal(2, summary.Inserted);
        var failure = Assert.Single(summary.Failures);
        Assert.EndsWith("b-refused.txt", failure.Locator, StringComparison.Ordinal);
        Assert.Contains("refused by the test", failure.Error, StringComparison.Ordinal);
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task Editing_one_of_two_copies_leaves_the_other_copy_its_item()
    {
        await using var app = await TestServices.StartAsync(backend);
        var seed = File.ReadAllText(Directory.GetFiles(RepoPaths.Seeds).Order().Last());
        var a = app.Temp.File("docs/a.txt", seed);
        app.Temp.File("docs/b.txt", seed);
        var ingestor = app.Get<DocumentIngestor>();
        await ingestor.ImportAsync([Path.GetDirectoryName(a)!], null, None);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM items"));

        File.WriteAllText(a, seed + "\nA correction was appended to this copy.\n");
        await ingestor.ImportAsync([Path.GetDirectoryName(a)!], null, None);

        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(DISTINCT item_id) FROM sightings"));
    }

    [Fact]
    public async Task One_broken_document_is_reported_and_the_rest_are_imported()
    {
        await using var app = await TestServices.StartAsync(backend);
        var folder = app.Temp.Sub("mixed");
        File.Copy(Directory.GetFiles(RepoPaths.Seeds).Order().First(), Path.Combine(folder, "a-good.txt"));
        File.WriteAllBytes(Path.Combine(folder, "b-binary.txt"), [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00]);
        File.WriteAllBytes(Path.Combine(folder, "c-latin1.txt"), "Caf\u00e9 in Seoul"u8.ToArray()[..4].Concat(new byte[] { 0xE9, 0x20, 0x41 }).ToArray());
        File.WriteAllText(Path.Combine(folder, "d-empty.md"), "  \n");
        // Markdig refuses such nesting while rendering it: that stopped the import, the good file after it unread.
        File.WriteAllText(Path.Combine(folder, "d-nested.md"), "# Nested\n\n" + new string('*', 20_000) + "China" + new string('*', 20_000) + "\n");
        File.Copy(Directory.GetFiles(RepoPaths.Seeds).Order().Last(), Path.Combine(folder, "e-good.txt"));

        var summary = await app.Get<DocumentIngestor>().ImportAsync([folder, Path.Combine(folder, "missing")], null, None);

        Assert.Equal(2, summary.Inserted);
        Assert.Equal(5, summary.Failures.Count);
        Assert.Contains(summary.Failures, f => f.Locator.EndsWith("b-binary.txt", StringComparison.Ordinal) && f.Error.Contains("NUL byte at offset 4", StringComparison.Ordinal));
        Assert.Contains(summary.Failures, f => f.Locator.EndsWith("c-latin1.txt", StringComparison.Ordinal) && f.Error.Contains("not valid UTF-8", StringComparison.Ordinal));
        Assert.Contains(summary.Failures, f => f.Locator.EndsWith("d-empty.md", StringComparison.Ordinal) && f.Error.Contains("empty", StringComparison.Ordinal));
        Assert.Contains(summary.Failures, f => f.Locator.EndsWith("d-nested.md", StringComparison.Ordinal) && f.Error.Contains("Markdown nested too deeply", StringComparison.Ordinal));
        Assert.Contains(summary.Failures, f => f.Locator.EndsWith("missing", StringComparison.Ordinal) && f.Error.Contains("no such file or folder", StringComparison.Ordinal));
        Assert.Equal(4, await app.ScalarAsync<long>("SELECT count(*) FROM sources WHERE last_error IS NOT NULL"));
    }

    [Fact]
    public async Task Evidence_is_stored_with_each_tag()
    {
        await using var app = await TestServices.StartAsync(backend);
        await app.Get<DocumentIngestor>().ImportAsync([RepoPaths.Seeds], null, None);
        var items = await app.Get<ItemQueries>().NewestAsync("korea-china", 50, None);

        Assert.Equal(5, items.Count);
        foreach (var item in items)
        {
            var tag = Assert.Single(item.Tags, t => t.Tag == "korea-china");
            var evidence = EvidenceJson.Read(tag.Evidence);
            Assert.Contains(evidence, e => e.Group == "china");
            Assert.Contains(evidence, e => e.Group == "dprk");
            Assert.All(evidence, e => Assert.True(e.Field is "title" or "body" && e.Offset >= 0));
        }
    }

    [Fact]
    public async Task Migrations_apply_once()
    {
        await using var app = await TestServices.StartAsync(backend);
        await app.Get<Database>().MigrateAsync(None);
        var embedded = Database.Migrations(app.Get<Database>().Provider).Select(m => m.Version).ToList();
        Assert.Equal(Enumerable.Range(1, embedded.Count).Select(v => (long)v), embedded); // numbered without gaps
        // Both dialects have every migration, under the same numbers.
        Assert.Equal(Database.Migrations("sqlite").Select(m => m.Name), Database.Migrations("postgres").Select(m => m.Name));
        Assert.Equal(embedded, await app.Get<Database>().AppliedMigrationsAsync(None));
        if (backend == Backend.Sqlite)
            Assert.Equal("wal", await app.ScalarAsync<string>("PRAGMA journal_mode"));
    }
}

public sealed class DocumentIngestorTestsOnSqlite() : DocumentIngestorTests(Backend.Sqlite);

public sealed class DocumentIngestorTestsOnPostgres() : DocumentIngestorTests(Backend.Postgres);
