using Dapper;

namespace Aggregator.Storage;

/// <summary>Reads items newest first (by the date the source states, else when first seen),
/// each with its tags and sightings. Collapsed (the default), a story is one entry: the item
/// that started it (the earliest copy), with the other copies as "also reported by"; a story
/// has a tag when any of its copies has it.</summary>
public sealed class ItemQueries(Database database)
{
    private const string Columns = "i.id, i.entry_id, i.title, i.body, i.url, i.language, i.outlet, i.author, i.published_at, i.first_seen_at, i.updated_at, i.content_html, i.enclosures";

    public async Task<IReadOnlyList<StoredItem>> NewestAsync(string? tag, int limit, CancellationToken ct, bool collapse = true) =>
        (await PageAsync(new ItemFilter { Tag = tag, Collapse = collapse }, 1, limit, ct, countTotal: false)).Items;

    /// <summary>Page <paramref name="page"/> (from 1) of the listing, newest first.</summary>
    public async Task<ItemPage> PageAsync(ItemFilter filter, int page, int pageSize, CancellationToken ct, bool countTotal = true)
    {
        await using var connection = await database.OpenAsync(ct);
        var (where, parameters) = Where(filter, await SearchIndex.CandidatesAsync(connection, filter.TextForms(), filter.Collapse, ct),
            await SourceMatch.FindAsync(connection, filter.Source, filter.Collapse, ct));
        parameters.Add("limit", pageSize);
        parameters.Add("offset", (long)(Math.Max(page, 1) - 1) * pageSize);
        var sql = $"""
            SELECT {Columns} FROM items i
            {where}
            ORDER BY coalesce(i.published_at, i.first_seen_at) DESC, i.id DESC
            LIMIT @limit OFFSET @offset
            """;
        var items = (await connection.QueryAsync<StoredItem>(new CommandDefinition(sql, parameters, cancellationToken: ct))).ToList();
        var total = !countTotal ? items.Count
            : await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM items i {where}", parameters, cancellationToken: ct));
        return new ItemPage(await WithDetailsAsync(connection, items, filter.Collapse), Math.Max(page, 1), pageSize, total);
    }

    /// <summary>Stories by the ids of their first copies, newest first, with their copies; a
    /// story's tags are those of all its copies (the first copy's evidence first).</summary>
    public async Task<IReadOnlyList<StoredItem>> StoriesAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        await using var connection = await database.OpenAsync(ct);
        var list = ids.ToArray();
        var items = (await connection.QueryAsync<StoredItem>(new CommandDefinition($"""
            SELECT {Columns} FROM items i WHERE {Dialect.InList(connection, "i.id", "list")}
            ORDER BY coalesce(i.published_at, i.first_seen_at) DESC, i.id DESC
            """, new { list }, cancellationToken: ct))).ToList();
        return await WithDetailsAsync(connection, items, collapse: true);
    }

    /// <summary>Stories per day (UTC) under a filter, from a day on: the river page's coverage chart.</summary>
    public async Task<IReadOnlyDictionary<DateOnly, int>> StoriesPerDayAsync(ItemFilter filter, DateOnly from, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var (where, parameters) = Where(filter with { Collapse = true, Since = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) },
            await SearchIndex.CandidatesAsync(connection, filter.TextForms(), stories: true, ct), await SourceMatch.FindAsync(connection, filter.Source, stories: true, ct));
        var rows = await connection.QueryAsync<(string Day, long Count)>(new CommandDefinition($"""
            SELECT substr(coalesce(i.published_at, i.first_seen_at), 1, 10) AS day, count(*) FROM items i
            {where}
            GROUP BY day
            """, parameters, cancellationToken: ct));
        return rows.ToDictionary(r => DateOnly.ParseExact(r.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r => (int)r.Count);
    }

    /// <summary>The languages and tags of stored stories, most frequent first: the river page's filters.</summary>
    public async Task<(IReadOnlyList<string> Languages, IReadOnlyList<string> Tags)> FacetsAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var languages = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT language FROM items WHERE story_id IS NULL GROUP BY language ORDER BY count(*) DESC, language", cancellationToken: ct));
        var tags = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT tag FROM item_tags GROUP BY tag ORDER BY count(*) DESC, tag", cancellationToken: ct));
        return (languages.ToList(), tags.ToList());
    }

    /// <summary>The tags of items stored or changed at or after a time (WebSub pings their feeds);
    /// null when no item changed at all.</summary>
    public async Task<IReadOnlyList<string>?> TagsChangedSinceAsync(DateTime since, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT 1 FROM items WHERE updated_at >= @since LIMIT 1", new { since }, cancellationToken: ct)) is null)
            return null;
        return (await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT t.tag FROM items i JOIN item_tags t ON t.item_id = i.id
            WHERE i.updated_at >= @since
            ORDER BY t.tag
            """, new { since }, cancellationToken: ct))).ToList();
    }

    /// <summary>The WHERE clause of a filter over items aliased i. Collapsed, only stories'
    /// first copies are listed, and one matches when it or any later copy passes every filter.</summary>
    /// <param name="candidates">The only items (collapsed: stories) a word search can find, from
    /// the search index (SearchIndex.CandidatesAsync); null: any.</param>
    /// <param name="source">The source filter, resolved (SourceMatch.FindAsync); null: none.</param>
    private (string Sql, DynamicParameters Parameters) Where(ItemFilter filter, IReadOnlyList<long>? candidates, SourceMatch? source)
    {
        // SQLite's LIKE folds ASCII case; PostgreSQL's ILIKE folds every letter's.
        var like = database.IsPostgres ? "ILIKE" : "LIKE";
        var parameters = new DynamicParameters();
        var perCopy = new List<string>();
        if (filter.Tag is not null)
        {
            perCopy.Add("EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = {0}.id AND t.tag = @tag)");
            parameters.Add("tag", filter.Tag);
        }
        if (filter.Language is not null)
        {
            // "zh" asks for Chinese in either script ("zh-Hans", "zh-Hant") as well as undetermined.
            parameters.Add("language", filter.Language);
            if (SearchTerms.Family(filter.Language))
            {
                perCopy.Add("({0}.language = @language OR {0}.language LIKE @languages)");
                parameters.Add("languages", filter.Language + "-%");
            }
            else perCopy.Add("{0}.language = @language");
        }
        if (source is not null)
        {
            perCopy.Add(source.PerCopy(database.IsPostgres));
            parameters.AddDynamicParams(source.Parameters(database.IsPostgres));
            // Few items: only their stories are read. Both narrowings hold: a story has a copy
            // with the words and a copy from the source, and the per-copy tests decide.
            if (source.Candidates is { } fromSource)
                candidates = candidates is null ? fromSource : candidates.Intersect(fromSource).ToList();
        }
        var words = filter.TextPatterns();
        for (var k = 0; k < words.Count; k++)
        {
            // On SQLite a word with letters outside ASCII that have case ("Stärka", "Пекин") is
            // compared folded by .NET (Database registers fold()); the others need no call per row.
            var forms = new List<string>();
            for (var f = 0; f < words[k].Count; f++)
            {
                var (name, pattern) = ($"q{k}_{f}", words[k][f]);
                if (!database.IsPostgres && pattern.Any(c => c > '\x7f' && char.ToLowerInvariant(c) != char.ToUpperInvariant(c)))
                {
                    forms.Add($"fold({{0}}.title) LIKE @{name} ESCAPE '\\' OR fold({{0}}.body) LIKE @{name} ESCAPE '\\'");
                    parameters.Add(name, pattern.ToLowerInvariant());
                    continue;
                }
                forms.Add($"{{0}}.title {like} @{name} ESCAPE '\\' OR {{0}}.body {like} @{name} ESCAPE '\\'");
                parameters.Add(name, pattern);
            }
            perCopy.Add("(" + string.Join(" OR ", forms) + ")");
        }
        var clauses = new List<string>();
        if (filter.Since is { } since)
        {
            clauses.Add("coalesce(i.published_at, i.first_seen_at) >= @since");
            parameters.Add("since", since);
        }
        if (filter.Collapse) clauses.Add("i.story_id IS NULL");
        // The search index narrows the stories to read to those with a copy holding every word's
        // grams (or not indexed yet); the LIKEs decide among them, so the index changes how fast
        // a search is, never what it finds.
        if (candidates is not null)
        {
            // On SQLite one JSON parameter: 2,000 ids bound one by one doubled a search's time.
            clauses.Add(database.IsPostgres ? "i.id = ANY(@candidates)" : "i.id IN (SELECT value FROM json_each(@candidates))");
            parameters.Add("candidates", database.IsPostgres ? candidates.ToArray() : "[" + string.Join(',', candidates) + "]");
        }
        if (perCopy.Count > 0)
        {
            string On(string alias) => string.Join(" AND ", perCopy.Select(p => string.Format(System.Globalization.CultureInfo.InvariantCulture, p, alias)));
            clauses.Add(filter.Collapse
                ? $"({On("i")} OR EXISTS (SELECT 1 FROM items m WHERE m.story_id = i.id AND {On("m")}))"
                : On("i"));
        }
        return (clauses.Count == 0 ? "" : "WHERE " + string.Join("\n  AND ", clauses), parameters);
    }

    /// <summary>Tags, sightings and, collapsed, the story's other copies. A story's tags are those
    /// of all its copies (the shown copy's evidence first): a story listed under a tag because a
    /// later copy has it carries that tag too, and says which copy it was found in.</summary>
    private static async Task<IReadOnlyList<StoredItem>> WithDetailsAsync(System.Data.Common.DbConnection connection, List<StoredItem> items, bool collapse)
    {
        if (items.Count == 0)
            return items;

        var ids = items.Select(i => i.Id).ToArray();
        var tags = (await connection.QueryAsync<StoredTag>(
            $"SELECT item_id, tag, score, reason, evidence FROM item_tags WHERE {Dialect.InList(connection, "item_id", "ids")} ORDER BY tag", new { ids }))
            .ToLookup(t => t.ItemId);
        var sightings = (await connection.QueryAsync<StoredSighting>($"""
            SELECT s.item_id, src.kind, src.locator, src.title AS source_title, s.url, s.first_seen_at
            FROM sightings s JOIN sources src ON src.id = s.source_id
            WHERE {Dialect.InList(connection, "s.item_id", "ids")}
            ORDER BY s.first_seen_at, s.id
            """, new { ids })).ToLookup(s => s.ItemId);
        // A copy's outlet names only the sighting it is credited to (its link); another feed that
        // carried the same copy word for word is named by its own title, not listed under that outlet.
        var copies = !collapse ? null : (await connection.QueryAsync<StoryCopy>($"""
            SELECT m.story_id, m.id AS item_id, m.title, coalesce(s.url, m.url) AS url,
                   CASE WHEN s.url = m.url OR s.url IS NULL AND m.url IS NULL THEN m.outlet END AS outlet, src.title AS source_title, src.locator
            FROM items m JOIN sightings s ON s.item_id = m.id JOIN sources src ON src.id = s.source_id
            WHERE {Dialect.InList(connection, "m.story_id", "ids")}
            ORDER BY m.first_seen_at, m.id, s.id
            """, new { ids })).ToLookup(c => c.StoryId);
        var copyTags = !collapse ? null : (await connection.QueryAsync<StoredTag>($"""
            SELECT m.story_id AS item_id, t.tag, t.score, t.reason, t.evidence, m.id AS copy_id
            FROM items m JOIN item_tags t ON t.item_id = m.id
            WHERE {Dialect.InList(connection, "m.story_id", "ids")}
            ORDER BY m.first_seen_at, m.id
            """, new { ids })).ToLookup(t => t.ItemId);
        var texts = copies is null ? null : await TextsOfBareStoriesAsync(connection, items);
        return items.Select(i => (texts?.GetValueOrDefault(i.Id) is { } text ? i with
        {
            Body = text.Body,
            ContentHtml = text.ContentHtml,
            TextFrom = copies![i.Id].FirstOrDefault(c => c.ItemId == text.ItemId)?.Name ?? "another source",
        } : i) with
        {
            Tags = copyTags is null ? tags[i.Id].ToList()
                : tags[i.Id].Concat(copyTags[i.Id].Select(t => t with { CopyName = copies![i.Id].FirstOrDefault(c => c.ItemId == t.CopyId)?.Name }))
                    .DistinctBy(t => t.Tag).OrderBy(t => t.Tag, StringComparer.Ordinal).ToList(),
            Sightings = sightings[i.Id].ToList(),
            AlsoReportedBy = copies?[i.Id].ToList() ?? [],
        }).ToList();
    }

    private sealed record CopyText(long StoryId, long ItemId, string Title, string Body, string? ContentHtml);

    /// <summary>For each story whose first copy has next to no text (a flash, an aggregator's
    /// headline stored before the article), the earliest of its copies that has some: the story's
    /// entry shows that text, not an empty one.</summary>
    private static async Task<Dictionary<long, CopyText>> TextsOfBareStoriesAsync(System.Data.Common.DbConnection connection, List<StoredItem> items)
    {
        var bare = items.Where(i => Processing.Stories.StoryFingerprint.HasNextToNoText(i.Title, i.Body)).Select(i => i.Id).ToArray();
        var texts = new Dictionary<long, CopyText>();
        if (bare.Length == 0) return texts;
        foreach (var copy in await connection.QueryAsync<CopyText>($"""
            SELECT m.story_id, m.id AS item_id, m.title, m.body, m.content_html FROM items m
            WHERE {Dialect.InList(connection, "m.story_id", "bare")}
            ORDER BY m.first_seen_at, m.id
            """, new { bare }))
            if (!texts.ContainsKey(copy.StoryId) && !Processing.Stories.StoryFingerprint.HasNextToNoText(copy.Title, copy.Body))
                texts[copy.StoryId] = copy;
        return texts;
    }
}
