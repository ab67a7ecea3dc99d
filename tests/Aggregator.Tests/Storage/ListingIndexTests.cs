using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Storage;

/// <summary>A deep page of a listing skips thousands of stories with OFFSET: whether a row is a
/// story's first copy (story_id IS NULL) must be read from the listing's index, not from the
/// table row, whose text spills into overflow pages (docs/benchmarks.md: page 880 of 45,000
/// items went from 80 ms to 4 ms).</summary>
public abstract class ListingIndexTests(Backend backend)
{
    [Fact]
    public async Task The_listing_index_holds_story_id_after_its_order()
    {
        await using var app = await TestServices.StartAsync(backend);
        var columns = backend == Backend.Sqlite
            ? await app.RowsAsync("SELECT coalesce(name, '(expression)') FROM pragma_index_info('items_newest') ORDER BY seqno")
            : await app.RowsAsync("""
                SELECT coalesce(a.attname, '(expression)') FROM pg_index x
                CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                WHERE x.indexrelid = 'items_newest'::regclass ORDER BY k.n
                """);
        Assert.Equal(["(expression)", "id", "story_id"], columns);
    }
}

public sealed class ListingIndexTestsOnSqlite() : ListingIndexTests(Backend.Sqlite);

public sealed class ListingIndexTestsOnPostgres() : ListingIndexTests(Backend.Postgres);
