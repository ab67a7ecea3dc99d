using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Aggregator.Storage;

/// <summary>What a source filter names, resolved before the listing is read: the outlets whose
/// name it matches (from the distinct outlets, an index's worth, not every item's), the sources
/// whose title it matches or whose address it is, and, when they carry few items, those items'
/// stories. Testing each item against those lists costs an index lookup; testing its outlet and
/// its sightings' titles with case-folded LIKEs read the whole table for a rare name.</summary>
public sealed record SourceMatch(string[] Outlets, long[] SourceIds, IReadOnlyList<long>? Candidates)
{
    /// <summary>Words of a name from its start or a word's, in any case: "Yonhap" finds the outlet
    /// "Yonhap News Agency" and the feed titled "Yonhap News Agency - North Korea", "CNA" finds
    /// CNA but not KCNA, "AP" not Rappler.</summary>
    public static bool Names(string name, string part)
    {
        var folded = Fold(name);
        return folded.StartsWith(part, StringComparison.Ordinal) || folded.Contains(" " + part, StringComparison.Ordinal) || folded.Contains("-" + part, StringComparison.Ordinal);
    }

    /// <summary>A name in compatibility form and lower case: "ＮＨＫ" is NHK, as a search folds it.</summary>
    private static string Fold(string name) => SearchTerms.Compatible(name).ToLowerInvariant();

    /// <param name="stories">Candidates are stories (the ids of their first copies), not items.</param>
    public static async Task<SourceMatch?> FindAsync(DbConnection connection, string? source, bool stories, CancellationToken ct)
    {
        if (source is null) return null;
        var part = Fold(source);
        var postgres = connection is Npgsql.NpgsqlConnection;
        var outlets = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT outlet FROM items WHERE outlet IS NOT NULL", cancellationToken: ct))).Where(o => Names(o, part)).ToArray();
        // Sources are feeds and documents: read whole, titles matched here as outlets are.
        var sources = (await connection.QueryAsync<(long Id, string Locator, string? Title)>(new CommandDefinition(
            "SELECT id, locator, title FROM sources", cancellationToken: ct)))
            .Where(s => s.Locator == source || s.Title is not null && Names(s.Title, part)).Select(s => s.Id).ToArray();
        var match = new SourceMatch(outlets, sources, null);
        var parameters = match.Parameters(postgres);
        parameters.Add("limit", SearchIndex.MaxCandidates + 1);
        var rows = (await connection.QueryAsync<(long Id, long Story)>(new CommandDefinition($"""
            WITH c (id) AS (
                SELECT * FROM (SELECT id FROM items WHERE {In(postgres, "outlet", "srcOutlets")} LIMIT @limit) o
                UNION
                SELECT * FROM (SELECT item_id FROM sightings WHERE {In(postgres, "source_id", "srcIds")} LIMIT @limit) s)
            SELECT c.id, coalesce(i.story_id, i.id) FROM c JOIN items i ON i.id = c.id
            """, parameters, cancellationToken: ct))).ToList();
        // Past the cap the listing reads in date order instead, which stops at the page's end.
        return rows.Count > SearchIndex.MaxCandidates ? match
            : match with { Candidates = stories ? rows.Select(r => r.Story).Distinct().ToList() : rows.Select(r => r.Id).ToList() };
    }

    /// <summary>The test of one item (aliased {0}): its outlet is one of the matched, or a matched source carried it.</summary>
    public string PerCopy(bool postgres) =>
        $"({In(postgres, "{0}.outlet", "srcOutlets")} OR EXISTS (SELECT 1 FROM sightings s WHERE s.item_id = {{0}}.id AND {In(postgres, "s.source_id", "srcIds")}))";

    public DynamicParameters Parameters(bool postgres)
    {
        var parameters = new DynamicParameters();
        // On SQLite one JSON parameter each: a name many documents' sources share would bind
        // thousands of ids one by one.
        parameters.Add("srcOutlets", postgres ? Outlets : JsonSerializer.Serialize(Outlets));
        parameters.Add("srcIds", postgres ? SourceIds : JsonSerializer.Serialize(SourceIds));
        return parameters;
    }

    private static string In(bool postgres, string column, string parameter) =>
        postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN (SELECT value FROM json_each(@{parameter}))";
}
