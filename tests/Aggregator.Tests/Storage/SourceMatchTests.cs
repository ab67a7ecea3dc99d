using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>A listing filtered by source, resolved first to the outlets and sources it names:
/// a few items are read by id, many in date order, and both find what the name matches (from a
/// word's start, in any case; an address whole), and nothing else.</summary>
public abstract class SourceMatchTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_source_with_few_or_many_items_lists_exactly_its_items()
    {
        await using var app = await TestServices.StartAsync(backend);
        var many = SearchIndex.MaxCandidates + 100;
        await using (var write = await app.Get<Database>().BeginWriteAsync(Ct))
        {
            var (c, tx) = (write.Connection, write.Transaction);
            await c.ExecuteAsync("""
                INSERT INTO sources (id, kind, locator, title, created_at) VALUES
                  (1, 'feed', 'https://wire.example/feed.xml', 'Harbour Wire - Business', '2025-01-01'),
                  (2, 'feed', 'https://quay.example/rss', 'Quay Post', '2025-01-01'),
                  (3, 'document', 'seeds/kcna.txt', 'KCNA Watch', '2025-01-01')
                """, transaction: tx);
            var rows = Enumerable.Range(1, many + 5).Select(n => new
            {
                id = n,
                hash = n.ToString("D64", System.Globalization.CultureInfo.InvariantCulture),
                entry = $"tag:example.org,2025:{n}",
                title = $"Story {n}",
                // The first items name their outlet, and the wire's carry none: they are found by their feed's title.
                outlet = n switch { <= 3 => "Quay Post", 4 => "Ledger of the Harbour", 5 => "KCNA", _ => null },
                source = n switch { <= 3 => 2, 5 => 3, _ => 1 },
                when = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(n).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            }).ToList();
            await c.ExecuteAsync("""
                INSERT INTO items (id, content_hash, entry_id, title, body, language, outlet, published_at, first_seen_at, updated_at)
                VALUES (@id, @hash, @entry, @title, 'Text.', 'en', @outlet, @when, @when, @when)
                """, rows, tx);
            await c.ExecuteAsync("""
                INSERT INTO sightings (source_id, entry_key, item_id, content_hash, first_seen_at, last_changed_at)
                VALUES (@source, @entry, @id, @hash, @when, @when)
                """, rows.Where(r => r.id != 4), tx);
            await write.CommitAsync(Ct);
        }
        var queries = app.Get<ItemQueries>();
        async Task<string> ListAsync(string source)
        {
            var page = await queries.PageAsync(new ItemFilter { Source = source }, 1, 3, Ct);
            return $"{page.Total}: {string.Join(", ", page.Items.Select(i => i.Title))}";
        }

        Assert.Equal("3: Story 3, Story 2, Story 1", await ListAsync("QUAY"));
        Assert.Equal($"{many + 1}: Story {many + 5}, Story {many + 4}, Story {many + 3}", await ListAsync("harbour")); // the wire's, and the Ledger of the Harbour
        Assert.Equal($"{many}: Story {many + 5}, Story {many + 4}, Story {many + 3}", await ListAsync("https://wire.example/feed.xml"));
        Assert.Equal("1: Story 4", await ListAsync("ledger"));
        Assert.Equal("1: Story 5", await ListAsync("kcna")); // the outlet and the document's title: one item
        Assert.Equal("1: Story 5", await ListAsync("ＫＣＮＡ")); // typed in full width, as a Japanese input method does
        Assert.Equal("3: Story 3, Story 2, Story 1", await ListAsync("ｑｕａｙ"));
        Assert.Equal("0: ", await ListAsync("cna")); // from a word's start: CNA is not KCNA
        Assert.Equal("0: ", await ListAsync("wire.example"));

        await using var connection = await app.Get<Database>().OpenAsync(Ct);
        Assert.Equal(3, (await SourceMatch.FindAsync(connection, "quay", stories: true, Ct))!.Candidates!.Count);
        Assert.Null((await SourceMatch.FindAsync(connection, "harbour", stories: true, Ct))!.Candidates); // past the cap: read in date order
    }
}

public sealed class SourceMatchTestsOnSqlite() : SourceMatchTests(Backend.Sqlite);

public sealed class SourceMatchTestsOnPostgres() : SourceMatchTests(Backend.Postgres);
