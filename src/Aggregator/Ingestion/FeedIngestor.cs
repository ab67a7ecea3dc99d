using System.Security.Cryptography;
using System.Text;
using Aggregator.Configuration;
using Aggregator.Fetching;
using Aggregator.Parsing;
using Aggregator.Parsing.Feeds;
using Aggregator.Processing;
using Aggregator.Processing.Tagging;
using Aggregator.Scheduling;
using Aggregator.Sources;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Ingestion;

/// <summary>The one place where the stages meet for feeds: due feed → fetch → parse →
/// normalize and hash → tag → store with the feed's new state. Feeds are polled concurrently
/// within a global limit and a per-host limit, so one slow host never holds up the rest; a
/// feed that fails is recorded with its reason and next attempt and never stops the others.
/// Due feeds are claimed a few at a time, only as fast as they can be fetched: with several
/// worker instances each takes what it can handle and leaves the rest to the others.</summary>
public sealed class FeedIngestor(
    FeedStore feeds,
    SubscriptionsFile subscriptions,
    ClusterMembership cluster,
    FeedFetcher fetcher,
    OriginalPages originals,
    TopicCatalog topics,
    IOptions<AggregatorOptions> options,
    TimeProvider clock,
    ILogger<FeedIngestor> logger)
{
    /// <param name="everyFeed">Poll every enabled feed, due or not (`run-once --all`).</param>
    /// <param name="onceEach">Poll each feed at most once in this cycle (`run-once`); the
    /// scheduler's cycles poll a feed again when it comes due during a long cycle.</param>
    /// <param name="landed">Called when a feed's new or changed items are stored (WebSub pings
    /// as they land: a service's cycle runs on while feeds keep coming due).</param>
    public async Task<PollSummary> PollDueAsync(CancellationToken ct, bool everyFeed = false, bool onceEach = true, Action? landed = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var claimant = await cluster.ClaimantAsync(ct);
        if (claimant.Idle is not null) return new PollSummary { NotPolled = claimant.Idle };
        var synced = await subscriptions.SyncAsync(ct);
        foreach (var ended in await feeds.ReleaseClaimsOfEndedProcessesAsync(ClusterMembership.CommandPrefix, ct))
            logger.LogWarning("Feeds claimed by {Claimant}, a command on this machine that has ended (killed mid-cycle?), were released", ended);
        // A `serve` on this machine killed mid-cycle, likewise: with SQLite every process is on
        // this machine, and `run-once` (cron's) had skipped its feeds for the lease's ten minutes.
        // Nodes elsewhere in a cluster are judged by the cluster's check-ins instead.
        if (!feeds.SharedByInstances)
            foreach (var ended in await feeds.ReleaseClaimsOfEndedProcessesAsync(ClusterMembership.NodePrefix, ct))
                logger.LogWarning("Feeds claimed by {Claimant}, a service on this machine that has ended (killed mid-cycle?), were released", ended);
        var cycleStart = clock.GetUtcNow().UtcDateTime;
        var o = options.Value.Fetching;
        using var limits = new FetchLimits(o.MaxConcurrency, o.MaxPerHost);
        // Claimed but not yet fetched: at most twice what can be fetched at once when other
        // instances share the database, so each takes what it can handle and leaves the rest.
        // Alone (SQLite), a claim waits for the one writer's commit: claimed so few ahead,
        // fetching stalled behind every batch write, and batches went out half full.
        var claimWindow = feeds.SharedByInstances ? 2 * o.MaxConcurrency : Math.Max(2 * o.MaxConcurrency, 4 * PollBatcher.BatchSize);
        using var window = new SemaphoreSlim(claimWindow);
        // Each stalled host's share of the window: a host that does not answer holds about that many.
        var claims = new CycleClaims(Math.Max(2 * o.MaxPerHost, claimWindow / 8));
        // Parsing is CPU work: one feed per core. Parsed feeds are stored in batches (one
        // writer, one commit for many feeds), and a core is free again while its feed waits for
        // its batch. A fetched feed takes a pipeline slot first and keeps it until stored:
        // fetching cannot run ahead of storing and pile bodies up in memory.
        using var cores = new SemaphoreSlim(Environment.ProcessorCount);
        using var pipeline = new SemaphoreSlim(2 * PollBatcher.BatchSize);
        using var batcher = new PollBatcher(feeds);
        var polls = new List<Task<FeedPollReport>>();
        var tick = TimeSpan.FromSeconds(options.Value.Scheduling.PollTickSeconds);
        var lease = TimeSpan.FromSeconds(options.Value.Scheduling.ClaimLeaseSeconds);
        using var cycleEnded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewing = RenewClaimsAsync(claimant.Id, lease, cycleEnded.Token);
        // The database failing (full, locked past its timeout, gone) stops the cycle at once: every
        // later write would fail the same way, and fetching on for minutes only to log each feed's
        // failure helped no one.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var storage = new StorageFailure(stop);
        try
        {
            while (true)
            {
                // The service's cycle claims feeds that come due while it runs (below), and so runs
                // on while a slow host keeps feeds in flight: after a while it stops claiming and
                // ends, so that its summary is logged and the next tick starts afresh.
                if (!onceEach && started.Elapsed > MaxServiceCycle) break;
                await window.WaitAsync(stop.Token);
                var room = 1;
                while (room < claimWindow && window.Wait(0, CancellationToken.None)) room++;
                // Due within half a tick counts as due: a feed polled every minute is due again a
                // few milliseconds after the next tick fires (its interval counts from when its
                // fetch started), and waited for the tick after, every other time.
                var dueBy = clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(Math.Min(PollPlanner.DueEarly.TotalSeconds, tick.TotalSeconds / 2));
                var changed = claims.NextChange();
                IReadOnlyList<FeedRow> claimed;
                try
                {
                    claimed = await feeds.ClaimDueAsync(claimant, everyFeed ? DateTime.MaxValue : dueBy, onceEach || everyFeed ? cycleStart : DateTime.MaxValue, room, stop.Token,
                        claims.FullHosts(), lease);
                }
                catch (Exception e) when (Database.IsUnavailable(e))
                {
                    storage.Fail(e); // the fetches in flight stop too
                    break;
                }
                if (room > claimed.Count) window.Release(room - claimed.Count);
                if (claimed.Count == 0)
                {
                    // Nothing due that may be claimed now. While polls are still in flight (a slow
                    // host can hold a few for minutes), feeds that come due meanwhile, and feeds
                    // the subscriptions file adds, are claimed every tick rather than when the
                    // slowest poll is done; a stalled host's feeds as soon as it gives a turn again.
                    if (claims.Polling == 0) break;
                    try { await changed.WaitAsync(tick, stop.Token); }
                    catch (TimeoutException) { }
                    await subscriptions.SyncAsync(stop.Token);
                    continue;
                }
                claims.Claimed(claimed);
                batcher.Expect(claimed.Count);
                polls.AddRange(claimed.Select(feed => PollAsync(feed, window, claims, limits, cores, pipeline, batcher, storage, landed, stop.Token)));
            }
        }
        catch (OperationCanceledException) when (storage.Error is not null && !ct.IsCancellationRequested)
        {
            // Stopped by the database failing: said below, once.
        }
        finally
        {
            // Every poll started ends (stored, failed or cancelled) before the limits it uses go,
            // also when claiming stopped on a shutdown or a database error.
            await ((Task)Task.WhenAll(polls)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await cycleEnded.CancelAsync();
            await renewing;
            await ReleaseClaimsAsync(claimant.Id, storage.Error);
            if (ct.IsCancellationRequested && polls.Count(p => p.IsCanceled) is var abandoned and > 0)
                logger.LogWarning("Poll cycle stopped (shutdown): {Abandoned} feed(s) abandoned mid-poll and released, to be polled at the next cycle; {Done} finished before",
                    abandoned, polls.Count - abandoned);
        }
        if (storage.Error is { } failed)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        var summary = PollSummary.Of(await Task.WhenAll(polls)) with { SubscriptionProblems = synced.Problems, Unsubscribed = synced.Unsubscribed };
        Operations.Telemetry.Polled(summary, started.Elapsed);
        if (polls.Count > 0)
            logger.LogInformation("{Summary}", summary.ToString());
        return summary;
    }

    /// <summary>How long a service's cycle goes on claiming feeds that come due while it runs.</summary>
    private static readonly TimeSpan MaxServiceCycle = TimeSpan.FromMinutes(5);

    /// <summary>Reads feeds' kept bodies again, as their last successful polls fetched them, with
    /// this build's parser and each feed's encoding override now, and stores what they carry as
    /// a poll would: after a parser fix, or an encoding set for a feed that came out garbled,
    /// without asking any server (one that answers 304 never sends the body again). Nothing of
    /// a feed's polling state changes. A feed never fetched has nothing kept, and says so.</summary>
    public async Task<IReadOnlyList<FeedPollReport>> ReparseAsync(IReadOnlyList<FeedRow> list, CancellationToken ct)
    {
        var reports = new FeedPollReport[list.Count];
        var ready = new List<(int At, CompletedPoll Poll, IReadOnlyList<string> LeftOut)>();
        for (var i = 0; i < list.Count; i++)
        {
            var feed = list[i];
            if (await feeds.StoredBodyAsync(feed.Id, ct) is not { } body)
            {
                reports[i] = new FeedPollReport(feed.Url, FeedPollKind.Failed, [], "no body kept: the feed has not been fetched successfully yet");
                continue;
            }
            var fetch = new FetchResult
            {
                Outcome = FetchOutcome.Ok,
                Status = 200,
                Body = body.Bytes,
                ContentType = body.ContentType,
                Charset = body.Charset,
                FinalUrl = new Uri(body.Url ?? feed.Url),
            };
            var result = EvaluateOrFail(feed, fetch, reread: true);
            if (result.Entries is { } entries) // its entries' pages as kept: nothing is fetched
                result = WithPages(feed, result, entries, new OriginalPages.Gathered(await originals.KeptAsync(feed, ct), [], null), reread: true);
            if (result.Error is not null)
                reports[i] = new FeedPollReport(feed.Url, FeedPollKind.Failed, [], result.Error); // nothing written: its last poll's state stands
            else
                ready.Add((i, new CompletedPoll(result.State, result.Items), result.LeftOut ?? []));
        }
        foreach (var batch in ready.Chunk(PollBatcher.BatchSize))
        {
            var written = await feeds.CompletePollsAsync([.. batch.Select(b => b.Poll)], ct);
            for (var n = 0; n < batch.Length; n++)
                reports[batch[n].At] = new FeedPollReport(list[batch[n].At].Url, written[n].Outcomes is null ? FeedPollKind.Failed : FeedPollKind.Fetched,
                    written[n].Outcomes ?? [], written[n].Error?.Message, batch[n].LeftOut);
        }
        return reports;
    }

    /// <summary>Whatever is still claimed was not stored (a shutdown, a write that failed): free
    /// again. Not while the database itself is failing (a write lock held elsewhere would keep this
    /// waiting another 30 s): the next cycle on this machine frees them, or their lease ends.</summary>
    private async Task ReleaseClaimsAsync(string claimantId, Exception? storageError)
    {
        try
        {
            if (storageError is null)
            {
                await feeds.ReleaseClaimsAsync(claimantId);
                return;
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException)
        {
            storageError = e;
        }
        logger.LogWarning("The claims of this poll cycle ({Claimant}) could not be released ({Reason}); the next cycle on this machine frees them, or their lease ends",
            claimantId, storageError.Message);
    }

    /// <summary>The first failure of the database itself in a cycle, which stops the cycle.</summary>
    private sealed class StorageFailure(CancellationTokenSource stop)
    {
        private Exception? _error;

        public Exception? Error => Volatile.Read(ref _error);

        public void Fail(Exception e)
        {
            if (Interlocked.CompareExchange(ref _error, e, null) is null) stop.Cancel();
        }
    }

    /// <summary>Renews this cycle's claims every third of their lease until the cycle ends: a
    /// feed that waits long for a slow host keeps its claim, and is fetched once.</summary>
    private async Task RenewClaimsAsync(string claimantId, TimeSpan lease, CancellationToken cycleEnded)
    {
        while (!cycleEnded.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(lease / 3, clock, cycleEnded);
                await feeds.RenewClaimsAsync(claimantId, lease, cycleEnded);
            }
            catch (OperationCanceledException) when (cycleEnded.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException)
            {
                // A locked database: the claims hold a while yet, and the next renewal may get through.
                logger.LogWarning("Renewing the claims of this poll cycle failed: {Reason}", e.Message);
            }
        }
    }

    /// <summary>One claimed feed: fetch within the limits, evaluate on a core, store with its
    /// batch. Its claim window slot is free again once it is fetched.</summary>
    private async Task<FeedPollReport> PollAsync(FeedRow feed, SemaphoreSlim window, CycleClaims claims, FetchLimits limits, SemaphoreSlim cores,
        SemaphoreSlim pipeline, PollBatcher batcher, StorageFailure storage, Action? landed, CancellationToken ct)
    {
        var joined = false;
        var claimedSlot = true;
        var waitingForTurn = true;
        try
        {
            // The limits are for the network: a turn is held while fetching only, and is
            // free again while the body is parsed and stored.
            FetchResult? fetch;
            using (var turn = await limits.EnterAsync(feed.Url, ct))
            {
                claims.TurnTaken(feed);
                waitingForTurn = false;
                fetch = await FetchAsync(feed, turn, ct);
                turn.Fetched();
                Operations.Telemetry.Fetched(fetch);
                Fetched();
                await pipeline.WaitAsync(ct);
            }
            try
            {
                PollResult result;
                await cores.WaitAsync(ct);
                try { result = await Task.Run(() => EvaluateOrFail(feed, fetch), ct); }
                finally { cores.Release(); }
                // The body is parsed (and kept gzipped in the state): the raw bytes need not wait
                // for the batch too, promoted through every collection on the way.
                fetch = null;
                if (result.Entries is { } entries)
                {
                    // Its entries' own pages: fetched off the cores, within the limits of their hosts.
                    var gathered = await originals.GatherAsync(feed, entries, limits, ct);
                    await cores.WaitAsync(ct);
                    try { result = await Task.Run(() => WithPages(feed, result, entries, gathered, reread: false), ct); }
                    finally { cores.Release(); }
                }
                joined = true;
                var outcomes = await batcher.StoreAsync(new CompletedPoll(result.State, result.Items));
                if (landed is not null && outcomes.Any(o => o is StoreOutcome.Inserted or StoreOutcome.Updated)) landed();
                return new FeedPollReport(feed.Url, result.Kind, outcomes, result.Error, result.LeftOut ?? []);
            }
            finally { pipeline.Release(); }
        }
        catch (Exception e) when (joined && Database.IsUnavailable(e))
        {
            // The database, not this feed: the cycle stops (PollDueAsync says why, once).
            storage.Fail(e);
            return new FeedPollReport(feed.Url, FeedPollKind.Failed, [], e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or a database problem with one feed must not stop the others.
            logger.LogError(e, "Polling {FeedUrl} failed unexpectedly", feed.Url);
            return new FeedPollReport(feed.Url, FeedPollKind.Failed, [], e.Message);
        }
        finally
        {
            if (waitingForTurn) claims.TurnTaken(feed);
            if (claimedSlot) Fetched();
            if (!joined) batcher.Skip();
            claims.Ended();
        }

        void Fetched() // its claim window slot is free for the next claim
        {
            window.Release();
            claimedSlot = false;
        }
    }

    private async Task<FetchResult> FetchAsync(FeedRow feed, FetchLimits.Lease turn, CancellationToken ct)
    {
        try
        {
            return await fetcher.FetchAsync(new Uri(feed.Url), feed.Etag, feed.LastModified, ct, feed.Credentials, turn);
        }
        catch (UriFormatException e)
        {
            return new FetchResult { Outcome = FetchOutcome.Failed, FinalUrl = new Uri("about:blank"), Error = $"invalid URL: {e.Message}" };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug met by one feed: recorded against it, with its backoff, like any failure.
            logger.LogError(e, "Fetching {FeedUrl} failed unexpectedly", feed.Url);
            return new FetchResult { Outcome = FetchOutcome.Failed, FinalUrl = new Uri(feed.Url), Error = $"unexpected error while fetching ({e.GetType().Name}: {e.Message})" };
        }
    }

    /// <summary>Evaluates a fetched feed; a bug met while parsing one feed is recorded against
    /// it as a failure (with its backoff, shown in `feeds list`) instead of leaving it due.</summary>
    private PollResult EvaluateOrFail(FeedRow feed, FetchResult fetch, bool reread = false)
    {
        try
        {
            return Evaluate(feed, fetch, reread);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Reading {FeedUrl} failed unexpectedly", feed.Url);
            var now = clock.GetUtcNow().UtcDateTime;
            var (min, max) = Bounds(feed);
            var state = new FeedPollState { FeedId = feed.Id, AttemptAt = now, NextPollAt = now, Status = fetch.Status };
            return Failure(feed, state, $"unexpected error while reading the feed ({e.GetType().Name}: {e.Message})", null, min, max, now);
        }
    }

    /// <summary>What a poll writes: the feed's new state and its entries, and what to report.</summary>
    /// <param name="Entries">A feed whose entries' pages are fetched: its entries, to be made items
    /// once their pages are there (<see cref="WithPages"/>); Items is empty until then.</param>
    /// <param name="LeftOut">The titles of the entries the feed's own rules left out (<see cref="EntryRules"/>).</param>
    private sealed record PollResult(FeedPollState State, IReadOnlyList<IncomingItem> Items, FeedPollKind Kind, string? Error,
        IReadOnlyList<(string Key, ParsedDocument Article)>? Entries = null, IReadOnlyList<string>? LeftOut = null);

    /// <summary>A feed's entries made items with their pages' articles where there are pages.</summary>
    private PollResult WithPages(FeedRow feed, PollResult result, IReadOnlyList<(string Key, ParsedDocument Article)> entries, OriginalPages.Gathered gathered, bool reread)
    {
        var articles = new List<(string Key, ParsedDocument Article)>(entries.Count);
        foreach (var (key, article) in entries)
        {
            try
            {
                articles.Add((key, OriginalPages.WithPage(article, gathered.Pages.GetValueOrDefault(key), feed.ArticleSelector)));
            }
            catch (Exception e) when (Skippable(e))
            {
                // A page no reader should have choked on: the entry keeps the feed's text.
                Skipped(feed, key, e);
                articles.Add((key, article));
            }
        }
        var state = result.State with
        {
            // Pages left for the next poll: it reads the feed again, not answered 304 or skipped
            // as the same bytes, until every entry has had its page fetched.
            Etag = gathered.MoreDue ? null : result.State.Etag,
            LastModified = gathered.MoreDue ? null : result.State.LastModified,
            BodyHash = gathered.MoreDue ? null : result.State.BodyHash,
            PageKeys = reread ? null : entries.Select(e => e.Key).ToList(),
            Pages = gathered.Fetched,
            Warning = gathered.Warning is null ? result.State.Warning : string.Join("; ", new[] { result.State.Warning, gathered.Warning }.OfType<string>()),
        };
        return result with { State = state, Items = Items(feed, articles, clock.GetUtcNow().UtcDateTime), Entries = null };
    }

    /// <summary>The CPU side of a poll: parse, normalize, hash, tag, and plan the next poll.</summary>
    /// <param name="reread">The kept body read again (`feeds reparse`): read even when it is the
    /// same body as before, and only what is read from it is written.</param>
    private PollResult Evaluate(FeedRow feed, FetchResult fetch, bool reread = false)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (min, max) = Bounds(feed);
        // Moved by a permanent redirect: stored in its normal form (a target "…/feed#top" is the
        // feed at "…/feed", subscribed perhaps already), and only once it answers with a feed
        // (Failure drops it): a redirect to a parked domain's page must not lose the address.
        var movedTo = fetch.PermanentUrl is { } permanent ? FeedUrl.Normalize(permanent.AbsoluteUri, out _) : null;
        var state = new FeedPollState
        {
            FeedId = feed.Id,
            AttemptAt = now,
            NextPollAt = now,
            Status = fetch.Status,
            NewUrl = movedTo,
            MovedElsewhere = movedTo is not null && !FeedCredentials.SameOrigin(new Uri(movedTo), new Uri(feed.Url)),
        };

        switch (fetch.Outcome)
        {
            case FetchOutcome.NotModified:
                // A 304 costs no parsing and no writes beyond the feed's own state.
                return new PollResult((state with
                {
                    Success = true,
                    Warning = Moved(feed, state) ?? feed.Warning,
                    // RFC 9111 §4.3.4: a 304 updates the stored validators it carries.
                    Etag = fetch.Etag,
                    LastModified = fetch.LastModified,
                }).Unread(feed, fetch, now, min, max), [], FeedPollKind.NotModified, null);

            case FetchOutcome.Gone:
                logger.LogWarning("Feed {FeedUrl} is gone (410); polling stopped", feed.Url);
                return new PollResult(state with { Gone = true, Error = fetch.Error, NextPollAt = now }, [], FeedPollKind.Gone, fetch.Error);

            case FetchOutcome.Failed:
                return Failure(feed, state, fetch.Error!, fetch.RetryAfter, min, max, now);
        }

        var bodyHash = BodyHash(fetch, feed.EncodingOverride);
        if (bodyHash == feed.BodyHash && !reread)
            // The same bytes as the last successful fetch, from a server that ignores conditional
            // requests (many do, or send a new ETag each time): like a 304, no parsing and no
            // writes beyond the feed's state.
            return new PollResult((state with
            {
                Success = true,
                Warning = Moved(feed, state) ?? feed.Warning,
                Etag = fetch.Etag,
                BodyValidators = true,
                LastModified = fetch.LastModified,
            }).Unread(feed, fetch, now, min, max), [], FeedPollKind.NotModified, null);

        var parsed = FeedParser.Parse(fetch.Body!, Sources.FeedUrl.WithoutSecrets(fetch.FinalUrl), fetch.Charset, feed.EncodingOverride); // a key in the address is not copied into relative links
        if (parsed.Feed is not { } parsedFeed)
            return Failure(feed, state, parsed.Error!, null, min, max, now);
        if (parsedFeed.Unreadable is { } unreadable)
            return Failure(feed, state, unreadable, null, min, max, now);

        var outlet = parsedFeed.Title?.Plain;
        EntryRules? rules;
        var configured = options.Value.Sources.BlockRules; // every feed's, besides its own
        try { rules = EntryRules.Of(configured.Count == 0 ? feed.BlockRules : EntryRules.Stored([feed.BlockRules ?? "", .. configured]), feed.KeepRules); }
        catch (InvalidDataException e) { return Failure(feed, state, e.Message, null, min, max, now); }
        List<string>? leftOut = null;
        // Each entry on its own: a defect one meets costs that entry alone, named in the log, never
        // the feed's other entries (one character a later stage could not take once failed whole feeds).
        var articles = new List<(string Key, ParsedDocument Article)>(parsedFeed.Entries.Count);
        foreach (var entry in parsedFeed.Entries)
        {
            try
            {
                if (Article(entry, parsedFeed, outlet) is not { } article) continue;
                // The feed's own rules, before its entry's page is fetched or anything is stored.
                if (rules is null || rules.Admits(Fields(entry, article.Article))) articles.Add(article);
                else (leftOut ??= []).Add(article.Article.Title);
            }
            catch (Exception e) when (Skippable(e))
            {
                Skipped(feed, entry.Id ?? entry.Link ?? entry.Title?.Plain, e);
            }
        }
        var keyed = DistinctKeys(articles);
        // A feed read from its entries' pages is made items once they are there (PollAsync).
        var entries = feed.FetchOriginal ? keyed.ToList() : null;
        var items = entries is null ? Items(feed, keyed, now) : [];
        var rateDates = PollPlanner.RateDates(parsedFeed.Entries.Select(e => e.Published ?? e.Updated), now);
        var perWeek = PollPlanner.EntriesPerWeek(rateDates, now);
        if (parsedFeed.Bozo)
            logger.LogWarning("Feed {FeedUrl} was read after working around: {Problems}", feed.Url, string.Join("; ", parsedFeed.Problems));
        // A document cut off before its end (a connection closed early, a Content-Length that
        // undercounts) keeps what it had, but not the validators or the body's hash: the next poll
        // fetches it whole, instead of being answered 304 for a feed whose later entries never came.
        var whole = parsedFeed.BrokenAt is null;
        return new PollResult((state with
        {
            Success = true,
            Warning = string.Join("; ", new[] { Moved(feed, state), parsedFeed.Bozo ? "recovered: " + string.Join("; ", parsedFeed.Problems) : null }.OfType<string>()) is { Length: > 0 } warning
                ? warning : null,
            Etag = whole ? fetch.Etag : null,
            BodyValidators = true,
            LastModified = whole ? fetch.LastModified : null,
            Title = parsedFeed.Title?.Plain is { Length: > 0 } plain && StorableText.Clean(plain) is var title && title != feed.Title ? title : null, // null: unchanged
            EntriesPerWeek = perWeek,
            EntryDates = PollPlanner.StoredDates(rateDates),
            Body = reread ? null : fetch.Gzipped ?? FeedBodies.Gzip(fetch.Body!),
            Reread = reread,
            BodyHash = whole ? bodyHash : null,
            ContentType = fetch.ContentType,
            Charset = fetch.Charset,
            BodyUrl = fetch.FinalUrl.AbsoluteUri,
            AskedIntervalSeconds = parsedFeed.MinimumInterval is { } minimum ? (long)minimum.TotalSeconds : null,
        }).Planned(PollPlanner.AfterSuccess(now - fetch.Elapsed, now, perWeek, min, max, parsedFeed.MinimumInterval, Longest(fetch.CacheLifetime, fetch.RetryAfter), Random.Shared.NextDouble())),
            items, FeedPollKind.Fetched, null, entries, leftOut);
    }

    /// <summary>What a feed's rules are matched against: the entry as it is stored (its title
    /// without a republisher's outlet suffix, its byline, its text) and its categories.</summary>
    private static EntryFields Fields(ParsedEntry entry, ParsedDocument article) =>
        new(article.Title, article.Url, article.Author, entry.Categories, article.Outlet, article.Body);

    /// <summary>Entries as items: normalized, hashed, tagged; one that fails costs itself alone.</summary>
    private List<IncomingItem> Items(FeedRow feed, IEnumerable<(string Key, ParsedDocument Article)> keyed, DateTime now)
    {
        var authority = options.Value.Publishing.IdAuthority;
        var items = new List<IncomingItem>();
        var keys = new HashSet<string>(StringComparer.Ordinal); // a feed that repeats an entry carries it once
        foreach (var (key, article) in keyed)
        {
            IncomingItem item;
            try
            {
                item = IncomingItems.From(feed.SourceId, key, NotAhead(article, now), topics, authority);
            }
            catch (Exception e) when (Skippable(e))
            {
                Skipped(feed, key, e);
                continue;
            }
            if (keys.Add(item.EntryKey)) items.Add(item);
        }
        return items;
    }

    /// <summary>A fetched body as this build reads it: the bytes, and what else decides what is
    /// read from them (the charset the server declared, the address links resolve against, the
    /// encoding override, the parser's build), so that a new encoding, a move or a better parser
    /// reads an unchanged body again.</summary>
    private static string BodyHash(FetchResult fetch, string? encodingOverride)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(ReaderBuild);
        // The address without its query: relative links resolve the same against any query, and a
        // feed served from a signed address that changes at every request (a storage bucket's
        // expiring signature behind a redirect) was read and rewritten at every poll.
        hash.AppendData(Encoding.UTF8.GetBytes($"{fetch.Charset}\n{encodingOverride}\n{fetch.FinalUrl.GetLeftPart(UriPartial.Path)}\n"));
        hash.AppendData(fetch.Body!);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Changes with every build of the service (its module's id; a deterministic build
    /// of the same source keeps it, so cluster nodes of one release agree).</summary>
    private static readonly byte[] ReaderBuild = typeof(FeedParser).Module.ModuleVersionId.ToByteArray();

    private PollResult Failure(FeedRow feed, FeedPollState state, string error, TimeSpan? retryAfter, TimeSpan min, TimeSpan max, DateTime now)
    {
        var next = PollPlanner.AfterFailure(now, feed.ConsecutiveErrors + 1, min, max, retryAfter, Random.Shared.NextDouble(),
            ceiling: TimeSpan.FromMinutes(options.Value.Scheduling.MaxPollMinutes));
        logger.LogWarning("Fetching {FeedUrl} failed: {Reason}; next attempt {NextAttempt:u}", feed.Url, error, next.At);
        return new PollResult((state with { Error = error, NewUrl = null, MovedElsewhere = false }).Planned(next), [], FeedPollKind.Failed, error);
    }

    /// <summary>What the subscriber is told when a feed signing in moved to another site. Once the
    /// feed reads there without them it is moot (a poll that stores a new reading drops it); where
    /// it wants them, the 401 says how to give them.</summary>
    private static string? Moved(FeedRow feed, FeedPollState state) => state.MovedElsewhere && feed.Credentials is not null
        ? $"moved permanently to another site ({state.NewUrl}): the user name and password given for {new Uri(feed.Url).GetLeftPart(UriPartial.Authority)} are not sent there (feeds edit URL --user NAME --password-stdin if it needs them)"
        : null;

    /// <summary>An entry dated ahead of now (a local time labelled GMT, a calendar's event date,
    /// a typo in the year) is dated now, as first seen: it otherwise sat at the top of every
    /// merged feed and list until its date came. Ten minutes of clock difference are allowed.</summary>
    private static ParsedDocument NotAhead(ParsedDocument article, DateTime now) =>
        article.PublishedAt is { } published && published > now + TimeSpan.FromMinutes(10) ? article with { PublishedAt = now } : article;

    /// <summary>A feed entry as an article: plain text from its HTML without the site's "read
    /// more" link, its own identity (id, else link, else a hash of title and date), the language
    /// it is written in, and its outlet: the feed it names as its source, else this feed.</summary>
    public static (string Key, ParsedDocument Article)? Article(ParsedEntry entry, ParsedFeed feed) => Article(entry, feed, feed.Title?.Plain);

    /// <param name="outlet">The feed's title as plain text, worked out once for all its entries.</param>
    public static (string Key, ParsedDocument Article)? Article(ParsedEntry entry, ParsedFeed feed, string? outlet)
    {
        var body = entry.Content ?? entry.Summary;
        var text = ReadMoreTrailer.Strip(body is null ? "" : body.Kind == TextKind.Html ? HtmlText.ToParagraphs(body.Value) : body.Value.Trim());
        var title = entry.Title?.Plain;
        if (entry.Source is { } source)
        {
            title = WithoutSourceName(title, source);
            // A summary that is only the linked headline and the outlet (Google News): the headline.
            if (WithoutSourceName(text, source) is { } rest && !ReferenceEquals(rest, text) && string.Equals(HtmlText.Collapse(rest), title, StringComparison.OrdinalIgnoreCase))
                text = rest;
        }
        if (string.IsNullOrWhiteSpace(title))
            // Untitled (a micro-blog's note, a photo post, a podcast episode): named by its text, else
            // by its address, as Miniflux names it. Only an entry with nothing at all is left out.
            title = text.Length > 0 ? HtmlText.Collapse(text.Length > 120 ? text[..120] + "…" : text)
                : entry.Link ?? (entry.Enclosures.Count > 0 ? entry.Enclosures[0].Url : null);
        if (title is null) return null;
        var language = LanguageDetector.Detect(title, text);
        if (language == "und" && feed.Language is { Length: >= 2 } declared) language = declared[..2].ToLowerInvariant();
        var key = entry.Id ?? entry.Link ?? HashKey(title + "|" + entry.Published?.ToString("o"));
        return (key, new ParsedDocument
        {
            Title = title,
            Body = text,
            Language = language,
            PublishedAt = entry.Published ?? entry.Updated,
            DatedByUpdate = entry.Published is null && entry.Updated is not null,
            Outlet = entry.Source ?? outlet,
            Author = Byline.Name(entry.Author ?? entry.InheritedAuthor),
            Url = entry.Link,
            ContentHtml = body?.Kind == TextKind.Html ? body.Value : null,
            Enclosures = entry.Enclosures,
        });
    }

    /// <summary>A feed that republishes others' entries (Google News) ends each title, and a summary
    /// that is only the linked headline, with the outlet's name ("… - The Korea Herald"): the
    /// outlet's words, not the story's (its "Korea" is no evidence); the outlet is stored as such.
    /// The same string when the text does not end so.</summary>
    private static string? WithoutSourceName(string? text, string source)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var end = text.AsSpan().TrimEnd();
        if (!end.EndsWith(source, StringComparison.OrdinalIgnoreCase)) return text;
        var rest = end[..^source.Length].TrimEnd().TrimEnd("-–—|·").TrimEnd();
        return rest.IsEmpty ? text : rest.ToString();
    }

    private static bool Skippable(Exception e) => e is not OperationCanceledException and not OutOfMemoryException;

    private void Skipped(FeedRow feed, string? entry, Exception e) =>
        logger.LogWarning(e, "Feed {FeedUrl}: entry {Entry} was skipped: {Error}", feed.Url, entry ?? "(without id, link or title)", e.Message);

    private static string HashKey(string identity) => "hash:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32];

    /// <summary>Entries of one feed that share a key but not their content are told apart, so
    /// that none is lost: entries without an id or a link that share title and date ("속보",
    /// "Breaking", no date) by their text; entries that share an id or a link (a live blog's
    /// posts all linking to its page, a CMS that writes &lt;guid&gt;0&lt;/guid&gt;) by their title and
    /// date, and their text too when those are shared as well. Before, all but one were dropped
    /// and the one kept was overwritten by the next. A key held by one entry keeps its plain
    /// form, so that a correction of its text stays the same entry.</summary>
    private static IEnumerable<(string Key, ParsedDocument Article)> DistinctKeys(List<(string Key, ParsedDocument Article)> articles)
    {
        var keys = new HashSet<string>(articles.Count, StringComparer.Ordinal);
        var anyShared = false;
        foreach (var (key, _) in articles) anyShared |= !keys.Add(key);
        if (!anyShared) return articles; // nearly every feed: no grouping at all
        var shared = articles.GroupBy(a => a.Key)
            .Where(g => g.Select(a => (a.Article.Title, a.Article.PublishedAt, a.Article.Body)).Distinct().Count() > 1)
            .ToDictionary(g => g.Key, g => g.Select(a => a.Article).ToList());
        return shared.Count == 0 ? articles : articles.Select(a => shared.TryGetValue(a.Key, out var group) ? (Disambiguated(a.Key, a.Article, group), a.Article) : a);
    }

    private static string Disambiguated(string key, ParsedDocument article, List<ParsedDocument> group)
    {
        var withText = HashKey(Headline(article) + "|" + article.Body);
        if (key.StartsWith("hash:", StringComparison.Ordinal)) return withText; // the key was title and date already
        var headlineShared = group.Exists(other => other.Body != article.Body && Headline(other) == Headline(article));
        return key + "#" + (headlineShared ? withText : HashKey(Headline(article)))["hash:".Length..];
    }

    private static string Headline(ParsedDocument article) => article.Title + "|" + article.PublishedAt?.ToString("o");

    private (TimeSpan Min, TimeSpan Max) Bounds(FeedRow feed)
    {
        var s = options.Value.Scheduling;
        var min = feed.MinIntervalSeconds is { } a ? TimeSpan.FromSeconds(a) : TimeSpan.FromMinutes(s.MinPollMinutes);
        var max = feed.MaxIntervalSeconds is { } b ? TimeSpan.FromSeconds(b) : TimeSpan.FromMinutes(s.MaxPollMinutes);
        // A feed's own bound wins over the configured one it crosses: "at least every 3 minutes"
        // lowers the configured 5-minute floor for that feed (it had been ignored silently).
        return max >= min ? (min, max) : feed.MinIntervalSeconds is null ? (max, max) : (min, min);
    }

    internal static TimeSpan? Longest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>The next poll written into a poll's state.</summary>
internal static class PlannedPolls
{
    public static FeedPollState Planned(this FeedPollState state, PollPlanner.NextPoll next) =>
        state with { NextPollAt = next.At, NextPollWhy = next.Why };

    /// <summary>A success whose body was not read (a 304, the same bytes again): the feed's rate
    /// is counted again from the dates of its last full fetch, a little older now, and what it
    /// asked for then still holds.</summary>
    public static FeedPollState Unread(this FeedPollState state, FeedRow feed, Fetching.FetchResult fetch, DateTime now, TimeSpan min, TimeSpan max)
    {
        var rate = PollPlanner.ReadStoredDates(feed.EntryDates) is { } dates ? PollPlanner.EntriesPerWeek(dates, now) : feed.EntriesPerWeek ?? 0;
        return (state with { EntriesPerWeek = rate }).Planned(PollPlanner.AfterSuccess(now - fetch.Elapsed, now, rate, min, max,
            feed.AskedIntervalSeconds is { } asked ? TimeSpan.FromSeconds(asked) : null, FeedIngestor.Longest(fetch.CacheLifetime, fetch.RetryAfter), Random.Shared.NextDouble()));
    }
}
