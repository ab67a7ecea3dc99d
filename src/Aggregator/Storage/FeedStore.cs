using System.Data.Common;
using Dapper;

namespace Aggregator.Storage;

/// <summary>Subscriptions and their polling state. Uniqueness of URLs is the database's.</summary>
public sealed class FeedStore(Database database, TimeProvider clock)
{
    /// <summary>Adds a subscription unless its URL is already subscribed; true when added.</summary>
    public async Task<bool> AddAsync(FeedSubscription feed, CancellationToken ct) => await AddAsync([feed], ct) == 1;

    /// <summary>Adds the subscriptions not yet subscribed, in one transaction; returns how many
    /// were added. Those already subscribed are left as they are (`feeds import`).</summary>
    public async Task<int> AddAsync(IReadOnlyList<FeedSubscription> list, CancellationToken ct)
    {
        await using var write = await database.BeginWriteAsync(ct);
        var (added, _) = await WriteListInAsync(write.Connection, write.Transaction, list, applyToSubscribed: false);
        await write.CommitAsync(ct);
        return added.Count;
    }

    /// <summary>Makes the subscriptions what a list says (config/feeds.opml, whenever it changes):
    /// adds those not yet subscribed, and gives those already subscribed the list's name, poll
    /// bounds, encoding override, folder and enabled state. The feeds the list subscribes are
    /// its own (all it names, on its first application to this database); one of those it no
    /// longer names is unsubscribed, as `feeds remove` does (its items stay), while feeds
    /// subscribed otherwise (`feeds add`, `feeds import`) are left alone, and so are the
    /// addresses in <paramref name="leftOut"/>: outlines the list still has but that could not be
    /// used (a bound mistyped), which must not cost the subscription. A list that names no feed
    /// at all unsubscribes nothing (an emptied file is more likely a mistake than a wish).
    /// <paramref name="setting"/>, when given, is recorded in the same transaction (the hash of
    /// the file: applied once, whichever instance did it).</summary>
    public async Task<ListApplied> ApplyAsync(IReadOnlyList<FeedSubscription> list, IReadOnlyCollection<string> leftOut, (string Key, string Value)? setting,
        bool firstApplication, CancellationToken ct)
    {
        await using var write = await database.BeginWriteAsync(ct);
        var (added, changed) = await WriteListInAsync(write.Connection, write.Transaction, list, applyToSubscribed: true);
        var unsubscribed = list.Count + leftOut.Count == 0 ? []
            : await UnsubscribeUnlistedInAsync(write.Connection, write.Transaction, list, leftOut);
        foreach (var url in firstApplication ? list.Select(f => f.Url) : added)
            await write.Connection.ExecuteAsync($"""
                UPDATE feeds SET in_subscriptions_file = TRUE WHERE {SubscribedAs} AND in_subscriptions_file = FALSE
                """, new { Url = url }, write.Transaction);
        if (setting is var (key, value))
            await SettingsStore.SetInAsync(write.Connection, write.Transaction, key, value);
        await write.CommitAsync(ct);
        return new ListApplied(added.Count, changed, unsubscribed);
    }

    /// <param name="Unsubscribed">The addresses (now, after any redirect) of the feeds
    /// unsubscribed because the list no longer names them.</param>
    public sealed record ListApplied(int Added, int Changed, IReadOnlyList<string> Unsubscribed);

    /// <returns>The addresses of the feeds the list added, and how many others it changed.</returns>
    private async Task<(List<string> Added, int Changed)> WriteListInAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<FeedSubscription> list, bool applyToSubscribed)
    {
        var (added, changed) = (new List<string>(), 0);
        foreach (var feed in list)
        {
            if (await AddInAsync(connection, tx, feed) == 1) added.Add(feed.Url);
            else if (applyToSubscribed && await ApplyInAsync(connection, tx, feed) == 1) changed++;
        }
        return (added, changed);
    }

    private static async Task<IReadOnlyList<string>> UnsubscribeUnlistedInAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<FeedSubscription> list, IReadOnlyCollection<string> leftOut)
    {
        var named = list.Select(f => f.Url).Concat(leftOut).ToHashSet(StringComparer.Ordinal);
        var unlisted = (await connection.QueryAsync<(long Id, string Locator, string Url)>("""
            SELECT f.id, s.locator, f.url FROM feeds f JOIN sources s ON s.id = f.source_id WHERE f.in_subscriptions_file = TRUE
            """, transaction: tx)).Where(f => !named.Contains(f.Locator) && !named.Contains(f.Url)).ToList();
        foreach (var feed in unlisted)
            await connection.ExecuteAsync("DELETE FROM feeds WHERE id = @Id", new { feed.Id }, tx);
        return unlisted.Select(f => f.Url).ToList();
    }

    private async Task<int> AddInAsync(DbConnection connection, DbTransaction tx, FeedSubscription feed)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Not for an address a subscribed feed has moved to: that feed is the one it names.
        await connection.ExecuteAsync("""
            INSERT INTO sources (kind, locator, title, created_at) SELECT 'feed', @Url, @display, @now
            WHERE NOT EXISTS (SELECT 1 FROM feeds WHERE url = @Url)
            ON CONFLICT (kind, locator) DO NOTHING
            """, new { feed.Url, display = feed.Title ?? feed.FeedTitle, now }, tx);
        var added = await connection.ExecuteAsync("""
            INSERT INTO feeds (source_id, url, title, custom_title, folder, enabled, min_interval_seconds, max_interval_seconds, encoding_override, username, password, listed_name, fetch_original, article_selector, block_rules, keep_rules, next_poll_at, created_at)
            SELECT id, @Url, @FeedTitle, @Title, @Folder, @Enabled, @min, @max, @EncodingOverride, @user, @password, @listedName, @FetchOriginal, @ArticleSelector, @BlockRules, @KeepRules, @now, @now FROM sources WHERE kind = 'feed' AND locator = @Url
            ON CONFLICT DO NOTHING
            """, Parameters(feed, now), tx);
        if (added == 1) await RetitleSourceInAsync(connection, tx, "kind = 'feed' AND locator = @Url", new { feed.Url });
        return added;
    }

    /// <summary>Gives a subscribed feed (found by the address it was subscribed under, which a
    /// permanent redirect does not change) the settings a list states; 1 when anything changed.</summary>
    private async Task<int> ApplyInAsync(DbConnection connection, DbTransaction tx, FeedSubscription feed)
    {
        var changed = await connection.ExecuteAsync($"""
            UPDATE feeds SET
                custom_title = {ListedCustomTitle},
                listed_name = @listedName,
                folder = @Folder,
                enabled = @Enabled,
                min_interval_seconds = @min,
                max_interval_seconds = @max,
                encoding_override = @EncodingOverride,
                fetch_original = @FetchOriginal,
                article_selector = @ArticleSelector,
                block_rules = @BlockRules,
                keep_rules = @KeepRules,
                -- Credentials only when the list gives them: those set with `feeds edit` stay.
                username = CASE WHEN @user IS NOT NULL THEN @user ELSE username END,
                password = CASE WHEN @user IS NOT NULL THEN @password ELSE password END,
                -- A new encoding is for the body misread so far: fetched again at the next poll,
                -- not answered 304 because it has not changed since.
                -- So is a feed whose entries' pages are to be fetched now, or whose rules for its
                -- entries changed: its entries are read again (those a rule now lets in are stored).
                etag = CASE WHEN encoding_override IS DISTINCT FROM @EncodingOverride OR {ReadsPagesNow} OR {RulesChanged} THEN NULL ELSE etag END,
                last_modified = CASE WHEN encoding_override IS DISTINCT FROM @EncodingOverride OR {ReadsPagesNow} OR {RulesChanged} THEN NULL ELSE last_modified END,
                body_hash = CASE WHEN {ReadsPagesNow} OR {RulesChanged} THEN NULL ELSE body_hash END,
                -- As `feeds edit` does: a feed enabled again is polled now, and a next poll past a
                -- new upper bound is brought forward to it.
                next_poll_why = CASE WHEN {WaitsForServer} THEN next_poll_why
                                     WHEN (encoding_override IS DISTINCT FROM @EncodingOverride OR {ReadsPagesNow} OR {RulesChanged} OR (enabled <> @Enabled AND @Enabled = TRUE)) AND next_poll_at > @now
                                         THEN 'settings changed in the subscription list'
                                     WHEN @max IS NOT NULL AND max_interval_seconds IS DISTINCT FROM @max AND next_poll_at > @latest
                                         THEN 'the upper bound set in the subscription list'
                                     ELSE next_poll_why END,
                next_poll_at = CASE WHEN {WaitsForServer} THEN next_poll_at
                                    WHEN (encoding_override IS DISTINCT FROM @EncodingOverride OR {ReadsPagesNow} OR {RulesChanged} OR (enabled <> @Enabled AND @Enabled = TRUE)) AND next_poll_at > @now THEN @now
                                    WHEN @max IS NOT NULL AND max_interval_seconds IS DISTINCT FROM @max AND next_poll_at > @latest THEN @latest
                                    ELSE next_poll_at END
            WHERE {SubscribedAs}
              AND (custom_title IS DISTINCT FROM ({ListedCustomTitle})
                   OR folder IS DISTINCT FROM @Folder OR enabled <> @Enabled
                   OR min_interval_seconds IS DISTINCT FROM @min OR max_interval_seconds IS DISTINCT FROM @max
                   OR encoding_override IS DISTINCT FROM @EncodingOverride OR fetch_original <> @FetchOriginal OR article_selector IS DISTINCT FROM @ArticleSelector OR {RulesChanged}
                   OR (@user IS NOT NULL AND (username IS DISTINCT FROM @user OR password IS DISTINCT FROM @password)))
            """, Parameters(feed, clock.GetUtcNow().UtcDateTime), tx);
        if (changed == 1) await RetitleSourceInAsync(connection, tx, "kind = 'feed' AND locator = @Url", new { feed.Url });
        if (changed == 1 && !feed.FetchOriginal) await DropPagesInAsync(connection, tx, feed.Url);
        return changed;
    }

    /// <summary>A feed no longer read from its entries' pages keeps none of them.</summary>
    private static async Task DropPagesInAsync(DbConnection connection, DbTransaction tx, string url) =>
        await connection.ExecuteAsync($"DELETE FROM original_pages WHERE feed_id IN (SELECT id FROM feeds WHERE {SubscribedAs})", new { Url = url }, tx);

    /// <summary>Fetching entries' pages is switched on, or they are to be read elsewhere (in the
    /// list, or with `feeds edit`): the feed is read again whole.</summary>
    private const string ReadsPagesNow =
        "((fetch_original = FALSE AND @FetchOriginal = TRUE) OR (@FetchOriginal = TRUE AND article_selector IS DISTINCT FROM @ArticleSelector))";
    /// <summary>The list gives the feed other rules for its entries.</summary>
    private const string RulesChanged = "(block_rules IS DISTINCT FROM @BlockRules OR keep_rules IS DISTINCT FROM @KeepRules)";

    private const string PagesSwitchedOn =
        "((fetch_original = FALSE AND @fetchOriginal = TRUE) OR (@setSelector AND coalesce(@fetchOriginal, fetch_original) = TRUE AND article_selector IS DISTINCT FROM @selector))";

    /// <summary>The subscriber's name for a feed a list gives. A name given as text only (text and
    /// title differ) is theirs. A name given as both text and title, as Feedly, Inoreader,
    /// NetNewsWire and Miniflux write every name, is theirs when the feed, polled, calls itself
    /// something else: a rename in the file after the first poll (which makes the first name
    /// theirs, see CompletePollsAsync) must not fall back to the feed's own title. Before the
    /// first poll the name waits in listed_name.</summary>
    private const string ListedCustomTitle = """
        CASE WHEN @Title IS NOT NULL THEN @Title
             WHEN @listedName IS NOT NULL AND last_success_at IS NOT NULL AND title IS DISTINCT FROM @listedName THEN @listedName
             WHEN custom_title = @FeedTitle THEN custom_title
             ELSE NULL END
        """;

    /// <summary>A subscription's settings as statement parameters (Dapper sends those the SQL names).</summary>
    private static object Parameters(FeedSubscription feed, DateTime now) => new
    {
        feed.Url,
        feed.FeedTitle,
        feed.Title,
        feed.Folder,
        feed.Enabled,
        min = (long?)feed.MinInterval?.TotalSeconds,
        max = (long?)feed.MaxInterval?.TotalSeconds,
        feed.EncodingOverride,
        feed.FetchOriginal,
        feed.ArticleSelector,
        feed.BlockRules,
        feed.KeepRules,
        user = feed.Credentials?.User,
        password = feed.Credentials?.Password,
        listedName = feed.Listed ? feed.FeedTitle : null,
        now,
        latest = now + (feed.MaxInterval ?? TimeSpan.Zero),
    };

    /// <summary>A feed's source carries the name lists show (items are filtered by it, and their
    /// pages say where they were seen): the subscriber's, else the feed's own.</summary>
    private static async Task RetitleSourceInAsync(DbConnection connection, DbTransaction tx, string where, object parameters) =>
        await connection.ExecuteAsync($"""
            UPDATE sources SET title = coalesce((SELECT coalesce(f.custom_title, f.title) FROM feeds f WHERE f.source_id = sources.id), title)
            WHERE {where}
            """, parameters, tx);

    /// <summary>Renames a feed and/or files it elsewhere (null: left as it is; "": cleared, back
    /// to the feed's own title or out of any folder); false when the URL is not subscribed.</summary>
    /// <param name="credentials">New credentials; <see cref="NoCredentials"/> removes them; null leaves them.</param>
    /// <param name="encoding">An encoding to read the feed with whatever it declares ("": back to what it declares); null: unchanged.</param>
    /// <param name="bounds">The feed's own poll interval bounds (null inside: the configured
    /// one); null: unchanged. A next poll past the new upper bound is brought forward to it.</param>
    /// <param name="fetchOriginal">Fetch each entry's own page (true) or not (false); null: unchanged.
    /// Switched on, the feed is read again at its next poll, which comes now.</param>
    /// <param name="articleSelector">Where the article is on those pages, a CSS selector ("": found by
    /// their markup); null: unchanged.</param>
    /// <param name="rules">The feed's block and keep rules in their stored form (<see
    /// cref="Processing.EntryRules.Stored"/>; "" inside: none); null: unchanged. The caller reads
    /// the kept body again, so that entries a rule now lets in are stored.</param>
    public async Task<bool> EditAsync(string url, string? title, string? folder, CancellationToken ct, Fetching.FeedCredentials? credentials = null, bool? enabled = null,
        string? encoding = null, (TimeSpan? Min, TimeSpan? Max)? bounds = null, bool? fetchOriginal = null, string? articleSelector = null,
        (string? Block, string? Keep)? rules = null)
    {
        await using var write = await database.BeginWriteAsync(ct);
        var found = await write.Connection.ExecuteAsync($"""
            UPDATE feeds SET
                custom_title = CASE WHEN @setTitle THEN @title ELSE custom_title END,
                folder = CASE WHEN @setFolder THEN @folder ELSE folder END,
                username = CASE WHEN @setCredentials THEN @user ELSE username END,
                password = CASE WHEN @setCredentials THEN @password ELSE password END,
                enabled = coalesce(@enabled, enabled),
                encoding_override = CASE WHEN @setEncoding THEN @encoding ELSE encoding_override END,
                min_interval_seconds = CASE WHEN @setBounds THEN @minSeconds ELSE min_interval_seconds END,
                max_interval_seconds = CASE WHEN @setBounds THEN @maxSeconds ELSE max_interval_seconds END,
                fetch_original = coalesce(@fetchOriginal, fetch_original),
                article_selector = CASE WHEN @setSelector THEN @selector ELSE article_selector END,
                block_rules = CASE WHEN @setBlock THEN @block ELSE block_rules END,
                keep_rules = CASE WHEN @setKeep THEN @keep ELSE keep_rules END,
                etag = CASE WHEN {PagesSwitchedOn} THEN NULL ELSE etag END,
                last_modified = CASE WHEN {PagesSwitchedOn} THEN NULL ELSE last_modified END,
                body_hash = CASE WHEN {PagesSwitchedOn} THEN NULL ELSE body_hash END,
                -- Resuming is also how a feed that answered 410 Gone is polled again (it came back,
                -- or the 410 was a mistake); its count of failures starts again.
                gone = CASE WHEN @enabled = TRUE THEN FALSE ELSE gone END,
                consecutive_errors = CASE WHEN @enabled = TRUE AND gone THEN 0 ELSE consecutive_errors END,
                last_error = CASE WHEN @enabled = TRUE AND gone THEN NULL ELSE last_error END, -- "polling stopped" no longer holds
                -- New credentials are tried at once, a failing feed included; so is a feed resumed.
                next_poll_why = CASE WHEN {WaitsForServer} THEN next_poll_why
                                     WHEN (@setCredentials OR @enabled = TRUE OR {PagesSwitchedOn}) AND next_poll_at > @now THEN 'settings changed with feeds edit'
                                     WHEN @setBounds AND @maxSeconds IS NOT NULL AND next_poll_at > @latest THEN 'the upper bound set with feeds edit'
                                     ELSE next_poll_why END,
                next_poll_at = CASE WHEN {WaitsForServer} THEN next_poll_at
                                    WHEN (@setCredentials OR @enabled = TRUE OR {PagesSwitchedOn}) AND next_poll_at > @now THEN @now
                                    WHEN @setBounds AND @maxSeconds IS NOT NULL AND next_poll_at > @latest THEN @latest
                                    ELSE next_poll_at END
            WHERE {SubscribedAs}
            """, new
        {
            Url = url,
            setTitle = title is not null,
            title = NullIfEmpty(title),
            setFolder = folder is not null,
            folder = NullIfEmpty(folder),
            setCredentials = credentials is not null,
            user = NullIfEmpty(credentials?.User),
            password = credentials?.User.Length > 0 ? credentials.Password : null,
            enabled,
            setEncoding = encoding is not null,
            encoding = NullIfEmpty(encoding),
            fetchOriginal,
            setSelector = articleSelector is not null,
            selector = NullIfEmpty(articleSelector),
            setBlock = rules?.Block is not null,
            block = rules?.Block is { Length: > 0 } block ? block : null,
            setKeep = rules?.Keep is not null,
            keep = rules?.Keep is { Length: > 0 } keep ? keep : null,
            setBounds = bounds is not null,
            minSeconds = bounds?.Min is { } min ? (long?)min.TotalSeconds : null,
            maxSeconds = bounds?.Max is { } max ? (long?)max.TotalSeconds : null,
            latest = clock.GetUtcNow().UtcDateTime + (bounds?.Max ?? TimeSpan.Zero),
            now = clock.GetUtcNow().UtcDateTime,
        }, write.Transaction) == 1;
        if (found) await RetitleSourceInAsync(write.Connection, write.Transaction, $"id = (SELECT source_id FROM feeds WHERE {SubscribedAs})", new { Url = url });
        if (found && fetchOriginal == false) await DropPagesInAsync(write.Connection, write.Transaction, url);
        await write.CommitAsync(ct);
        return found;
    }

    /// <summary>For <see cref="EditAsync"/>: take the credentials away.</summary>
    public static readonly Fetching.FeedCredentials NoCredentials = new("", "");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public async Task<bool> RemoveAsync(string url, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // Items and sightings stay: what was read is still news; only the polling ends.
        return await connection.ExecuteAsync($"DELETE FROM feeds WHERE {SubscribedAs}", new { Url = url }) > 0;
    }

    /// <summary>A feed whose server answered 429 or 503 with a Retry-After still to run: an edit
    /// (a new upper bound, resuming, new credentials) does not bring its next poll forward, as
    /// the poll itself honours the wait beyond the feed's own upper bound.</summary>
    private const string WaitsForServer =
        $"(last_status IN (429, 503) AND next_poll_at > @now AND next_poll_why LIKE '%{Scheduling.PollPlanner.RetryAfterMark}%')";

    /// <summary>The feed at @Url now, else the one subscribed under @Url before a permanent
    /// redirect moved it: `feeds remove` and `feeds edit` take the address the subscriber knows,
    /// a list may have either (`feeds export` writes the new one), and neither ever acts on two feeds.</summary>
    private const string SubscribedAs =
        "(url = @Url OR (NOT EXISTS (SELECT 1 FROM feeds WHERE url = @Url) AND source_id = (SELECT id FROM sources WHERE kind = 'feed' AND locator = @Url)))";

    /// <summary>The feed subscribed as <paramref name="url"/> (now, or before a permanent redirect moved it), or null.</summary>
    public async Task<FeedRow?> FindAsync(string url, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<FeedRow>($"SELECT * FROM feeds WHERE {SubscribedAs}", new { Url = url });
    }

    public async Task<IReadOnlyList<FeedRow>> ListAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<FeedRow>("""
            SELECT f.*, (SELECT count(*) FROM sightings s WHERE s.source_id = f.source_id) AS item_count
            FROM feeds f ORDER BY f.url
            """)).ToList();
    }

    /// <summary>Other instances may poll from this database too (PostgreSQL); SQLite is one machine's.</summary>
    public bool SharedByInstances => database.IsPostgres;

    /// <summary>How long a claim holds when its claimant is not known to have died: longer than
    /// any poll takes (fetch timeout, then the wait for the writer).</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    /// <summary>Claims up to <paramref name="limit"/> feeds due at <paramref name="now"/> and not
    /// attempted since <paramref name="cycleStart"/>, oldest due first, for one poller: no other
    /// poller takes them until this one stores their poll or gives them back, its lease runs out,
    /// or the cluster declares it dead (<see cref="Claims.Takeover"/>). On PostgreSQL the rows
    /// being claimed by another instance at this moment are skipped, not waited for.
    /// <para>Hosts take turns: the first due feed of each host, then the second of each, and so on,
    /// so that one host's many feeds do not fill a claim ahead of the others'; and none of the
    /// <paramref name="fullHosts"/> (stalled hosts with feeds already waiting, CycleClaims) is
    /// taken: a host that does not answer holds a few claims, not all of them, while the feeds of
    /// other hosts are polled.</para></summary>
    public async Task<IReadOnlyList<FeedRow>> ClaimDueAsync(Claimant claimant, DateTime now, DateTime cycleStart, int limit, CancellationToken ct,
        IReadOnlyCollection<string>? fullHosts = null, TimeSpan? lease = null)
    {
        await using var write = await database.BeginWriteAsync(ct, serialized: false);
        var skipFull = fullHosts is { Count: > 0 } ? "AND NOT " + Dialect.InList(database.IsPostgres, "host", "full") : "";
        // Ranked per host among the first few times the limit of due feeds (not all due feeds: a
        // cycle over 10,000 claims hundreds of times); PostgreSQL locks those rows in the inner
        // query, since FOR UPDATE cannot go with a window function.
        var claimed = (await write.Connection.QueryAsync<FeedRow>(new CommandDefinition($"""
            UPDATE feeds SET claimed_by = @me, claimed_until = @until
            WHERE id IN (SELECT id FROM (SELECT id, next_poll_at, row_number() OVER (PARTITION BY host ORDER BY next_poll_at, id) AS turn
                                         FROM (SELECT id, host, next_poll_at FROM feeds
                                               WHERE enabled = TRUE AND gone = FALSE AND next_poll_at <= @now
                                                 AND (last_attempt_at IS NULL OR last_attempt_at < @cycleStart)
                                                 AND {Claims.Takeover(database, claimant)} {skipFull}
                                               ORDER BY next_poll_at, id LIMIT @scan {Claims.SkipLocked(database)}) AS due) AS ranked
                         ORDER BY turn, next_poll_at, id LIMIT @limit)
            RETURNING *
            """, Claims.Parameters(claimant, clock.GetUtcNow().UtcDateTime, lease ?? ClaimLease,
                new { now, cycleStart, limit, scan = 4L * limit, full = (fullHosts ?? []).ToArray() }),
            write.Transaction, cancellationToken: ct))).OrderBy(f => f.NextPollAt).ToList();
        await write.CommitAsync(ct);
        return claimed;
    }

    /// <summary>Frees the feeds claimed by processes on this machine (`run-once`, or a `serve`
    /// node: named <paramref name="prefix"/>, their process id, and for a node a random
    /// suffix after a dash) whose process is gone: one killed mid-cycle held its feeds until the
    /// lease ran out, and the next `run-once` polled none of them. One on another machine is left
    /// to its lease (or the cluster's check-ins).</summary>
    /// <returns>The claimants whose claims were released.</returns>
    public async Task<IReadOnlyList<string>> ReleaseClaimsOfEndedProcessesAsync(string prefix, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var claimants = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT claimed_by FROM feeds WHERE claimed_by LIKE @pattern AND claimed_until > @now",
            new { pattern = prefix + "%", now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct));
        // Not one with this process's id (its own, or a live process's in another PID namespace on
        // this host name, which looks the same as a dead earlier one: freeing those had feeds
        // fetched twice). The lease frees a dead one's.
        var ended = claimants.Where(c => int.TryParse(c[prefix.Length..].Split('-')[0], out var pid)
            && pid != Environment.ProcessId && !IsRunning(pid)).ToList();
        foreach (var claimant in ended)
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE feeds SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = @claimant", new { claimant }, cancellationToken: ct));
        return ended;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Extends this poller's claims by a lease from now: feeds still waiting for a slow
    /// host's turn when their lease ran out were claimed again, by this cycle or another
    /// process, and fetched twice.</summary>
    public async Task RenewClaimsAsync(string claimantId, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE feeds SET claimed_until = @until WHERE claimed_by = @claimantId",
            new { claimantId, until = clock.GetUtcNow().UtcDateTime + lease }, cancellationToken: ct));
    }

    /// <summary>Gives back whatever this poller still holds (a shutdown abandoned those polls).</summary>
    public async Task ReleaseClaimsAsync(string claimantId)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("UPDATE feeds SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = @claimantId", new { claimantId });
    }

    /// <summary>Writes polls (each a feed's entries and its new state, together: after a crash
    /// either both are there or neither is, and the feed is simply polled again) in one
    /// transaction; when one fails, the batch is written again with a savepoint per poll, so a
    /// poll that fails is rolled back alone and reported, the others are committed. One commit for many
    /// feeds is the point: a commit rewrites every index page its transaction touched, and the
    /// entries of different feeds land on the same pages (a cold cycle over 1000 feeds stored
    /// in 4.2 s one feed per commit, 1.6 s in batches of 64).</summary>
    public async Task<IReadOnlyList<PollWriteResult>> CompletePollsAsync(IReadOnlyList<CompletedPoll> polls, CancellationToken ct)
    {
        // Optimistic first: the whole batch in one transaction without savepoints. A savepoint per
        // poll makes SQLite copy every page a poll touches first into a sub-journal, which cost
        // more than the writes themselves; failures are rare, and only then is the batch written
        // again with a savepoint per poll, so that the failing poll alone is rolled back.
        try
        {
            return await CompleteAllOrNothingAsync(polls, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && !Database.IsUnavailable(e))
        {
            // One feed's rows broke the batch: each alone, so the others are stored. Not when the
            // database itself failed (locked, full): trying again alone would wait as long again.
            return await CompleteEachAloneAsync(polls, ct);
        }
    }

    private async Task<IReadOnlyList<PollWriteResult>> CompleteAllOrNothingAsync(IReadOnlyList<CompletedPoll> polls, CancellationToken ct)
    {
        var results = new PollWriteResult[polls.Count];
        await using var write = await database.BeginWriteAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var placeLater = new List<StoryIndex.NewItem>();
        for (var i = 0; i < polls.Count; i++)
        {
            var outcomes = await ItemBatch.StoreInAsync(write.Connection, write.Transaction, polls[i].Items, now, placeLater);
            await SaveStateInAsync(write.Connection, write.Transaction, polls[i].State);
            results[i] = new PollWriteResult(outcomes, null);
        }
        // The whole batch's new items at once: their index keys go in sorted together, each index
        // page touched once rather than once per feed.
        await using (var stories = StoryIndex.Open(write.Connection, write.Transaction))
            await stories.PlaceAsync(placeLater);
        await write.CommitAsync(ct);
        return results;
    }

    private async Task<IReadOnlyList<PollWriteResult>> CompleteEachAloneAsync(IReadOnlyList<CompletedPoll> polls, CancellationToken ct)
    {
        var results = new PollWriteResult[polls.Count];
        await using var write = await database.BeginWriteAsync(ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < polls.Count; i++)
        {
            await tx.SaveAsync("poll", ct);
            try
            {
                var outcomes = await ItemBatch.StoreInAsync(connection, tx, polls[i].Items, now);
                await SaveStateInAsync(connection, tx, polls[i].State);
                await tx.ReleaseAsync("poll", ct);
                results[i] = new PollWriteResult(outcomes, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await tx.RollbackAsync("poll", ct);
                await tx.ReleaseAsync("poll", ct);
                results[i] = new PollWriteResult(null, e);
            }
        }
        await write.CommitAsync(ct);
        return results;
    }

    /// <summary>The kept bytes of a feed's last successful fetch, as fetched (decompressed).</summary>
    public async Task<byte[]?> LastBodyAsync(long feedId, CancellationToken ct) => (await StoredBodyAsync(feedId, ct))?.Bytes;

    /// <summary>The kept body of a feed's last successful fetch, with its charset and address.</summary>
    public async Task<StoredBody?> StoredBodyAsync(long feedId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(byte[] Body, string Encoding, string? ContentType, string? Charset, string? Url)?>(new CommandDefinition(
            "SELECT body, encoding, content_type, charset, url FROM feed_bodies WHERE feed_id = @feedId", new { feedId }, cancellationToken: ct));
        return row is not { } r ? null : new StoredBody(r.Encoding == "gzip" ? FeedBodies.Gunzip(r.Body) : r.Body, r.ContentType, r.Charset, r.Url);
    }

    private static async Task SaveStateInAsync(DbConnection connection, DbTransaction tx, FeedPollState s)
    {
        if (s.Reread)
        {
            await connection.ExecuteAsync("""
                UPDATE feeds SET title = coalesce(@Title, title), warning = @Warning, entries_per_week = @EntriesPerWeek, entry_dates = @EntryDates,
                                 asked_interval_seconds = @AskedIntervalSeconds, body_hash = @BodyHash
                WHERE id = @FeedId
                """, new { s.Title, s.Warning, s.EntriesPerWeek, s.EntryDates, s.AskedIntervalSeconds, s.BodyHash, s.FeedId }, tx);
            if (s.Title is not null)
                await RetitleSourceInAsync(connection, tx, "id = (SELECT source_id FROM feeds WHERE id = @FeedId)", new { s.FeedId });
            return;
        }
        await connection.ExecuteAsync("""
            UPDATE feeds SET
                last_attempt_at = @AttemptAt,
                next_poll_at = @NextPollAt,
                next_poll_why = @NextPollWhy,
                last_status = @Status,
                last_success_at = CASE WHEN @Success THEN @AttemptAt ELSE last_success_at END,
                consecutive_errors = CASE WHEN @Success THEN 0 ELSE consecutive_errors + 1 END,
                last_error = CASE WHEN @Success THEN NULL ELSE @Error END,
                warning = CASE WHEN @Success THEN @Warning ELSE warning END,
                gone = @Gone,
                -- A body (read, or the same as before) replaces the validators: none sent, none kept,
                -- so a stale one is not sent again. A 304 updates those it carries (RFC 9111 §4.3.4).
                etag = CASE WHEN @BodyValidators THEN @Etag WHEN @Success THEN coalesce(@Etag, etag) ELSE etag END,
                last_modified = CASE WHEN @BodyValidators THEN @LastModified WHEN @Success THEN coalesce(@LastModified, last_modified) ELSE last_modified END,
                title = coalesce(@Title, title),
                -- The name a subscription list gave (an OPML outline's, which Feedly, Inoreader,
                -- NetNewsWire, Thunderbird, Miniflux and newsboat all write as the subscriber's own
                -- name) becomes the subscriber's name when the first poll shows the feed calls
                -- itself something else: otherwise that poll overwrote it. A title `feeds add` read
                -- from the feed itself is not a name anyone gave.
                custom_title = CASE WHEN @Title IS NOT NULL AND custom_title IS NULL AND last_success_at IS NULL AND listed_name IS NOT NULL AND listed_name <> @Title
                                    THEN listed_name ELSE custom_title END,
                entries_per_week = coalesce(@EntriesPerWeek, entries_per_week),
                entry_dates = CASE WHEN @Parsed THEN @EntryDates ELSE entry_dates END,
                asked_interval_seconds = CASE WHEN @Parsed THEN @AskedIntervalSeconds ELSE asked_interval_seconds END,
                body_hash = CASE WHEN @Parsed THEN @BodyHash ELSE body_hash END,
                claimed_by = NULL,
                claimed_until = NULL
            WHERE id = @FeedId
            """, new { s.AttemptAt, s.NextPollAt, s.NextPollWhy, s.Status, s.Success, s.Error, s.Warning, s.Gone, s.Etag, s.LastModified, s.BodyValidators, s.Title, s.EntriesPerWeek, s.EntryDates, Parsed = s.Body is not null, s.AskedIntervalSeconds, s.BodyHash, s.FeedId }, tx);
        if (s.Title is not null) // the feed renamed itself (or was read for the first time)
            await RetitleSourceInAsync(connection, tx, "id = (SELECT source_id FROM feeds WHERE id = @FeedId)", new { s.FeedId });
        if (s.NewUrl is not null)
        {
            // RFC 9110 §15.4.2 and §15.4.9: a permanent redirect means "use the new URI from now on".
            // Unless that address is subscribed already: then the same feed is polled twice, and
            // the subscriber is told which one to remove.
            // Moved to another site: the credentials given for the old one stay behind.
            await connection.ExecuteAsync("""
                UPDATE feeds SET url = @NewUrl,
                    username = CASE WHEN @MovedElsewhere THEN NULL ELSE username END,
                    password = CASE WHEN @MovedElsewhere THEN NULL ELSE password END
                WHERE id = @FeedId AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = @NewUrl)
                """, s, tx);
            await connection.ExecuteAsync("""
                UPDATE feeds SET warning = 'moved permanently to ' || @NewUrl || ', which is subscribed too: the same feed is polled twice; remove this one (feeds remove ' || url || ')'
                WHERE id = @FeedId AND url <> @NewUrl
                """, s, tx);
        }
        if (s.PageKeys is not null)
            await OriginalPageRows.SaveInAsync(connection, tx, s.FeedId, s.PageKeys, s.Pages);
        if (s.Body is not null)
            await connection.ExecuteAsync("""
                INSERT INTO feed_bodies (feed_id, fetched_at, content_type, body, encoding, charset, url) VALUES (@FeedId, @AttemptAt, @ContentType, @Body, 'gzip', @Charset, @BodyUrl)
                ON CONFLICT (feed_id) DO UPDATE SET fetched_at = excluded.fetched_at, content_type = excluded.content_type, body = excluded.body, encoding = excluded.encoding,
                                                    charset = excluded.charset, url = excluded.url
                """, new { s.FeedId, s.AttemptAt, s.ContentType, s.Body, s.Charset, s.BodyUrl }, tx);
    }
}
