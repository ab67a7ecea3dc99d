using System.CommandLine;
using System.Text;
using System.Text.Json;
using Aggregator.Configuration;
using Aggregator.Fetching;
using Aggregator.Parsing.Feeds;
using Aggregator.Sources;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Cli;

/// <summary>feeds list | add | edit | remove | import | export. Subscriptions live in the database
/// (data/aggregator.db); config/feeds.opml is applied to it whenever the file changes.</summary>
public static class FeedsCommand
{
    public static Command Create() => new("feeds", "Manage subscriptions (stored in the database in the data folder).")
    {
        List(), Add(), Edit(), Remove(), Import(), Export(), Reparse(),
    };

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var failing = new Option<bool>("--failing") { Description = "Only the feeds that are failing or gone" };
        var command = new Command("list", "Each feed's health: last success, last HTTP status, consecutive errors and the last error, next poll, item count.") { json, failing };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var all = await services.GetRequiredService<FeedStore>().ListAsync(ct);
            // As a reader lists them: by folder, then by name.
            var feeds = (result.GetValue(failing) ? all.Where(f => f.State is "gone" or "failing") : all)
                .OrderBy(f => f.Folder is not null).ThenBy(f => f.Folder, StringComparer.OrdinalIgnoreCase)
                .ThenBy(f => f.DisplayTitle ?? f.Url, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.Url, StringComparer.Ordinal).ToList();
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(feeds, CliJson.Options));
                return 0;
            }
            await NoteListNotAppliedAsync(services, ct);
            if (all.Count == 0) Console.WriteLine("No subscriptions. Add one with: aggregator feeds add URL");
            else
                // With hundreds of feeds, the count first: what needs looking at.
                // Each feed counted once, by the state it is listed with.
                Console.WriteLine($"{all.Count} feed(s): {all.Count(f => f.State == "ok")} ok, {all.Count(f => f.State == "failing")} failing, "
                    + $"{all.Count(f => f.State == "gone")} gone, {all.Count(f => f.State == "disabled")} disabled, {all.Count(f => f.State == "new")} not polled yet");
            foreach (var f in feeds)
            {
                var state = f.Gone ? "GONE (410, not polled)" : !f.Enabled ? "disabled" : f.ConsecutiveErrors > 0 ? $"FAILING ({f.ConsecutiveErrors} in a row)" : f.LastSuccessAt is null ? "new" : "ok";
                Console.WriteLine($"{f.Url}  [{state}]  {(string.IsNullOrWhiteSpace(f.DisplayTitle) ? "(no title yet)" : f.DisplayTitle)}" + (f.Folder is null ? "" : $"  (in {f.Folder})"));
                if (f.CustomTitle is not null && f.Title is not null && f.Title != f.CustomTitle) Console.WriteLine($"  the feed's own title: {f.Title}");
                Console.WriteLine($"  last success {When(f.LastSuccessAt)}, last status {f.LastStatus?.ToString() ?? "-"}, next poll {NextPoll(f)}, {f.ItemCount} item(s)");
                if (f.LastError is not null) Console.WriteLine($"  last error: {f.LastError}");
                if (f.Gone) Console.WriteLine($"  (if it is back: feeds edit {FeedDiscovery.Quoted(f.Url)} --enable polls it again)");
                if (f.Warning is not null) Console.WriteLine($"  {f.Warning}");
                if (f.Username is not null) Console.WriteLine($"  signs in as {f.Username}");
                if (OwnSettings(f) is { Length: > 0 } own) Console.WriteLine($"  its own settings: {own}");
                if (f.ClaimedBy is not null) Console.WriteLine($"  being polled by {f.ClaimedBy} (claim until {When(f.ClaimedUntil)})");
            }
            return 0;
        }, ct));
        return command;
    }

    private static Option<string?> ArticleSelectorOption() => new("--article-selector")
    {
        Description = "Where the article is on the entries' own pages when their markup does not say: a CSS selector, e.g. \"div#article-body\" (every element it matches, in order; \"\": found by the markup)",
    };

    /// <summary>--block and --keep: a feed's rules for which of its entries are stored (Processing/EntryRules.cs).</summary>
    private static (Option<string[]> Block, Option<string[]> Keep) RuleOptions() => (
        new Option<string[]>("--block")
        {
            Description = "Leave out entries matching this rule (repeatable): a regular expression, case-insensitive, matched against the title, link, author and categories, "
                + "or one field after title:, link:, author:, category:, outlet: or text: (e.g. \"category:^(Sports|Weather)$\"); \"\" removes the feed's block rules",
        },
        new Option<string[]>("--keep")
        {
            Description = "Store only entries matching one of these rules (repeatable; same form as --block, which wins); \"\" removes the feed's keep rules",
        });

    /// <summary>Rules as given, in their stored form ("" for none given but the option was: cleared),
    /// null when the option was not given; an error printed and false when one cannot be used.</summary>
    private static async Task<(string? Stored, bool Ok)> RulesAsync(ParseResult result, Option<string[]> option, string verb)
    {
        if (result.GetResult(option) is null) return (null, true);
        var given = result.GetValue(option) ?? [];
        foreach (var rule in given.Where(r => !string.IsNullOrWhiteSpace(r)))
            if (Processing.EntryRule.Problem(rule) is { } problem)
            {
                await Console.Error.WriteLineAsync($"{verb}: {option.Name} {problem}");
                return (null, false);
            }
        return (Processing.EntryRules.Stored(given) ?? "", true);
    }

    private static Command Add()
    {
        var url = new Argument<string>("URL") { Description = "The feed's address, or its web site's (https:// is assumed when no scheme is given)" };
        var title = new Option<string?>("--title") { Description = "A title of your own" };
        var folder = new Option<string?>("--folder") { Description = "A folder to file it under (an outline around it in `feeds export`)" };
        var noCheck = new Option<bool>("--no-check") { Description = "Add without fetching the URL first" };
        var (user, passwordStdin) = CredentialOptions();
        var fetchOriginal = new Option<bool>("--fetch-original") { Description = "Fetch each entry's own page and keep its article, for a feed that carries only a line or two of each story" };
        var articleSelector = ArticleSelectorOption();
        var (block, keep) = RuleOptions();
        var command = new Command("add", "Subscribe to a feed. The URL is fetched first: for a web page, the feed it advertises (or the one at the usual places) is subscribed; when it advertises several, they are listed.")
        {
            url, title, folder, noCheck, user, passwordStdin, fetchOriginal, articleSelector, block, keep,
        };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var typed = result.GetValue(url)!;
            var address = FeedDiscovery.WithScheme(typed);
            var schemeAssumed = !typed.Trim().StartsWith("feed:", StringComparison.OrdinalIgnoreCase) && address != typed.Trim();
            if (FeedUrl.Parse(address, out var credentials, out var problem) is not { } normalized)
            {
                await Console.Error.WriteLineAsync($"feeds add: \"{FeedUrl.Masked(address)}\" {problem}");
                return 2;
            }
            if (await CredentialsAsync(result, user, passwordStdin, "feeds add") is var (given, error) && error is not null) return 2;
            var selector = result.GetValue(articleSelector)?.Trim() is { Length: > 0 } s ? s : null;
            if (selector is not null && Parsing.Documents.HtmlDocumentParser.SelectorProblem(selector) is { } wrongSelector)
            {
                await Console.Error.WriteLineAsync($"feeds add: --article-selector: {wrongSelector}");
                return 2;
            }
            var (blockRules, blockOk) = await RulesAsync(result, block, "feeds add");
            var (keepRules, keepOk) = await RulesAsync(result, keep, "feeds add");
            if (!blockOk || !keepOk) return 2;
            credentials = given ?? credentials;
            var uri = new Uri(normalized);
            var name = Opml.OneLine(result.GetValue(title));
            string? own = null;
            if (!result.GetValue(noCheck))
            {
                var fetcher = services.GetRequiredService<FeedFetcher>();
                var fetch = await fetcher.FetchAsync(uri, null, null, ct, credentials);
                if (schemeAssumed && fetch.Outcome == FetchOutcome.Failed && fetch.Status is null)
                {
                    // No scheme was typed and https:// does not answer: the site may be http:// only.
                    var plain = new UriBuilder(uri) { Scheme = "http", Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri;
                    var retry = await fetcher.FetchAsync(plain, null, null, ct, credentials);
                    if (retry.Outcome == FetchOutcome.Failed && retry.Status is null)
                    {
                        await Console.Error.WriteLineAsync($"feeds add: \"{FeedUrl.Masked(typed)}\" has no scheme; neither {uri.AbsoluteUri} ({fetch.Error}) nor {plain.AbsoluteUri} ({retry.Error}) answers; not added");
                        return 1;
                    }
                    (uri, fetch) = (plain, retry);
                    normalized = FeedUrl.Normalize(plain.AbsoluteUri, out _) ?? plain.AbsoluteUri;
                }
                if (fetch.Outcome == FetchOutcome.Ok)
                {
                    var parsed = FeedParser.Parse(fetch.Body!, fetch.FinalUrl, fetch.Charset);
                    // Redirected to another site: a login wall or a parked domain may be what answered.
                    // http → https and example.com → www.example.com are how most sites answer a bare
                    // address, and the page reached is still theirs.
                    var redirected = fetch.FinalUrl != uri && !FeedDiscovery.SameSite(fetch.FinalUrl, uri);
                    if (parsed.Feed is null && (!parsed.WebPage || FeedDiscovery.LooksLikeAFeedAddress(uri) || redirected && parsed.Alternates.Count == 0))
                    {
                        // Not a page to look for feeds on: an error page or a login wall where a feed
                        // was expected. What it says, and the feeds it names, are for the subscriber to judge.
                        await Console.Error.WriteLineAsync($"{uri.AbsoluteUri}: {parsed.Error}" + (redirected ? $" (reached through a redirect to {fetch.FinalUrl.AbsoluteUri}: a login page?)" : ""));
                        foreach (var alternate in parsed.Alternates)
                            await Console.Error.WriteLineAsync($"  aggregator feeds add {FeedDiscovery.Quoted(alternate)}");
                        return 1;
                    }
                    if (parsed.Feed is null)
                    {
                        // A web page: its feed, found as a reader finds it, is what the subscriber meant.
                        var found = await FeedDiscovery.FindAsync(fetcher, uri, parsed.Alternates, credentials, ct, page: fetch.FinalUrl);
                        var reached = redirected ? $" (reached through a redirect to {fetch.FinalUrl.AbsoluteUri}: a login page?)" : "";
                        if (found.Count == 0)
                        {
                            await Console.Error.WriteLineAsync(parsed.Alternates.Count > 0
                                ? $"{uri.AbsoluteUri}: a web page{reached} whose advertised feeds ({string.Join(", ", parsed.Alternates)}) answer with no feed; not added"
                                : $"{uri.AbsoluteUri}: a web page{reached} that advertises no feed, and none is at the usual places ({string.Join(", ", FeedDiscovery.CommonPaths.Select(p => "/" + p))}); not added");
                            return 1;
                        }
                        // Taken without asking only when it is the one feed the page advertises (or the
                        // one at the usual places): a live comments feed beside a dead main one is not.
                        if (found.Count > 1 || parsed.Alternates.Count > 1 || redirected)
                        {
                            await Console.Error.WriteLineAsync(found.Count > 1
                                ? $"{uri.AbsoluteUri}: a web page{reached} that advertises {found.Count} live feeds; subscribe to the one you mean:"
                                : $"{uri.AbsoluteUri}: a web page{reached} that advertises {parsed.Alternates.Count} feeds, of which this one answers; subscribe to it if it is the one you mean:");
                            foreach (var f in found)
                                await Console.Error.WriteLineAsync($"  aggregator feeds add {FeedDiscovery.Quoted(f.Url.AbsoluteUri)}    # {f.Feed.Title?.Plain ?? "(untitled)"}: {f.Feed.Format}, {f.Feed.Entries.Count} entries");
                            return 1;
                        }
                        Console.WriteLine($"{uri.AbsoluteUri}: a web page; its feed is {found[0].Url.AbsoluteUri}");
                        if (credentials is not null && !FeedCredentials.SameOrigin(found[0].Url, uri))
                        {
                            // Credentials given for one site never go to another.
                            Console.WriteLine($"  (it is on another site: the credentials given for {uri.GetLeftPart(UriPartial.Authority)} are not used for it)");
                            credentials = null;
                        }
                        (uri, parsed) = (found[0].Url, FeedParseResult.Of(found[0].Feed));
                        normalized = FeedUrl.Normalize(uri.AbsoluteUri, out _) ?? uri.AbsoluteUri;
                    }
                    else if (fetch.PermanentUrl is { } moved && FeedUrl.Normalize(moved.AbsoluteUri, out _) is { } movedTo)
                    {
                        // A permanent redirect means "use the new address from now on" (RFC 9110).
                        Console.WriteLine($"{uri.AbsoluteUri}: moved permanently to {movedTo}");
                        if (credentials is not null && !FeedCredentials.SameOrigin(new Uri(movedTo), uri))
                        {
                            Console.WriteLine($"  (it is on another site now: the credentials given for {uri.GetLeftPart(UriPartial.Authority)} are not used for it)");
                            credentials = null;
                        }
                        (uri, normalized) = (new Uri(movedTo), movedTo);
                    }
                    if (parsed.Feed!.Unreadable is { } unreadable)
                    {
                        // What every poll of it would fail with.
                        await Console.Error.WriteLineAsync($"{uri.AbsoluteUri}: {unreadable}; not added (add it anyway with --no-check)");
                        return 1;
                    }
                    own = parsed.Feed.Title?.Plain;
                    Console.WriteLine($"{uri.AbsoluteUri}: {parsed.Feed.Format} feed with {parsed.Feed.Entries.Count} entries");
                    // What its polls will show in `feeds list`: a misread encoding is best mended now
                    // (`feeds edit --encoding`), before its items are stored garbled.
                    if (parsed.Feed.Bozo)
                        Console.WriteLine($"  recovered: {string.Join("; ", parsed.Feed.Problems)}");
                }
                else if (fetch.Outcome == FetchOutcome.Gone || fetch.Status is 401 or 403 or 404 or 451 || fetch.HostNotFound || Misconfigured(fetch.Error))
                {
                    // An address that says it is not there (or not for us), or whose host does not
                    // exist, is most often mistyped: subscribing would only add a feed that fails
                    // from its first poll.
                    await Console.Error.WriteLineAsync(fetch.Status == 401 && credentials is null
                        ? $"{uri.AbsoluteUri}: HTTP 401: the feed wants a user name and password; not added (give them with --user NAME --password-stdin)"
                        : fetch.Outcome == FetchOutcome.Gone ? $"{uri.AbsoluteUri}: HTTP 410 Gone: the publisher removed this feed; not added"
                        : uri.Scheme == "https" && fetch.Error!.Contains("SSL", StringComparison.Ordinal)
                            ? $"{uri.AbsoluteUri}: {fetch.Error}; not added (does the server speak plain http? then: aggregator feeds add {FeedDiscovery.Quoted("http" + uri.AbsoluteUri[5..])}; or add it anyway with --no-check)"
                        : $"{uri.AbsoluteUri}: {fetch.Error}; not added (add it anyway with --no-check)");
                    return 1;
                }
                else
                {
                    Console.WriteLine($"{uri.AbsoluteUri}: could not be checked now ({fetch.Error ?? fetch.Outcome.ToString()}); added anyway, it will be retried");
                }
            }
            var added = await services.GetRequiredService<FeedStore>().AddAsync(new FeedSubscription(normalized, name, FeedTitle: own, Folder: Opml.FolderPath(result.GetValue(folder)), Credentials: credentials,
                FetchOriginal: result.GetValue(fetchOriginal) || selector is not null, ArticleSelector: selector,
                BlockRules: blockRules is { Length: > 0 } ? blockRules : null, KeepRules: keepRules is { Length: > 0 } ? keepRules : null), ct);
            Console.WriteLine(added ? $"added {uri.AbsoluteUri}" + (credentials is null ? "" : $" (signing in as {credentials.User})")
                : $"already subscribed to {uri.AbsoluteUri}" + (name is null && result.GetValue(folder) is null && credentials is null && !result.GetValue(fetchOriginal) && selector is null
                    && blockRules is null && keepRules is null ? ""
                    : " (nothing changed: `feeds edit` renames, refiles, changes credentials, fetches entries' pages and sets rules)"));
            return 0;
        }, ct));
        return command;
    }

    /// <summary>The address a subscription is known by, as the subscriber typed it: also without
    /// its scheme ("example.com/rss", which `feeds add` accepts), tried as https:// then http://.</summary>
    private static async Task<string> SubscribedAddressAsync(FeedStore store, string address, CancellationToken ct)
    {
        address = FeedUrl.WithoutFeedScheme(address.Trim());
        var normalized = FeedUrl.Normalize(address, out _) ?? address;
        if (address.Contains("://", StringComparison.Ordinal) || await store.FindAsync(normalized, ct) is not null) return normalized;
        foreach (var scheme in new[] { "https://", "http://" })
            if (FeedUrl.Normalize(scheme + address.Trim(), out _) is { } withScheme && await store.FindAsync(withScheme, ct) is not null)
                return withScheme;
        return normalized;
    }

    /// <summary>Failures no retry mends, which a fresh subscription has most likely by mistake: a
    /// redirect loop or chain, and a TLS handshake that fails (an https address on a plain http server).</summary>
    private static bool Misconfigured(string? error) => error is not null
        && (error.Contains("redirect loop", StringComparison.Ordinal) || error.Contains(" redirects", StringComparison.Ordinal) && error.StartsWith("more than", StringComparison.Ordinal)
            || error.Contains("SSL connection could not be established", StringComparison.Ordinal));

    private static Command Edit()
    {
        var url = new Argument<string>("URL") { Description = "The feed's address, as `feeds list` shows it" };
        var title = new Option<string?>("--title") { Description = "Your name for it (\"\": back to the feed's own title)" };
        var folder = new Option<string?>("--folder") { Description = "The folder to file it under (\"\": out of its folder)" };
        var (user, passwordStdin) = CredentialOptions();
        var noCredentials = new Option<bool>("--no-credentials") { Description = "Stop signing in to this feed" };
        var disable = new Option<bool>("--disable") { Description = "Stop polling it (it stays subscribed and listed)" };
        var enable = new Option<bool>("--enable") { Description = "Poll it again, at once (also a feed that answered 410 Gone)" };
        var minPoll = new Option<string?>("--min-poll") { Description = "Poll it at most this often, in minutes (1 to 10080; \"\": the configured bound)" };
        var maxPoll = new Option<string?>("--max-poll") { Description = "Poll it at least this often, in minutes (1 to 10080; \"\": the configured bound)" };
        var encoding = new Option<string?>("--encoding") { Description = "Read it in this encoding whatever it declares, e.g. euc-kr, gb18030, shift_jis (\"\": as it declares); its kept body is read again at once" };
        var fetchOriginal = new Option<string?>("--fetch-original")
        {
            Description = "on: fetch each entry's own page and keep its article instead of the feed's summary (the feed is due at once, and read again whole); off: back to the feed's own text, at once",
        };
        fetchOriginal.AcceptOnlyFromAmong("on", "off");
        var articleSelector = ArticleSelectorOption();
        var (block, keep) = RuleOptions();
        var command = new Command("edit", "Rename a feed, file it under another folder, pause or resume it, set the encoding it is read in, fetch its entries' own pages, "
            + "set which of its entries are stored, or change the credentials it is fetched with.")
        {
            url, title, folder, disable, enable, minPoll, maxPoll, encoding, fetchOriginal, articleSelector, block, keep, user, passwordStdin, noCredentials,
        };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var (address, name, under) = (result.GetValue(url)!, result.GetValue(title) is { } t ? Opml.OneLine(t) ?? "" : null, result.GetValue(folder) is { } f ? Opml.FolderPath(f) ?? "" : null);
            if (await CredentialsAsync(result, user, passwordStdin, "feeds edit") is var (credentials, error) && error is not null) return 2;
            if (result.GetValue(noCredentials)) credentials = FeedStore.NoCredentials;
            if (result.GetValue(disable) && result.GetValue(enable))
            {
                await Console.Error.WriteLineAsync("feeds edit: --disable and --enable contradict each other");
                return 2;
            }
            bool? enabled = result.GetValue(disable) ? false : result.GetValue(enable) ? true : null;
            var readAs = result.GetValue(encoding)?.Trim();
            var (minText, maxText) = (result.GetValue(minPoll)?.Trim(), result.GetValue(maxPoll)?.Trim());
            bool? pages = result.GetValue(fetchOriginal) switch { "on" => true, "off" => false, _ => null };
            var selector = result.GetValue(articleSelector)?.Trim();
            var (blockRules, blockOk) = await RulesAsync(result, block, "feeds edit");
            var (keepRules, keepOk) = await RulesAsync(result, keep, "feeds edit");
            if (!blockOk || !keepOk) return 2;
            var rules = blockRules is null && keepRules is null ? ((string?, string?)?)null : (blockRules, keepRules);
            if (name is null && under is null && credentials is null && enabled is null && readAs is null && minText is null && maxText is null && pages is null && selector is null && rules is null)
            {
                await Console.Error.WriteLineAsync("feeds edit: nothing to change; give --title, --folder, --disable, --enable, --min-poll, --max-poll, --encoding, --fetch-original, --article-selector, "
                    + "--block, --keep, --user (with --password-stdin) or --no-credentials");
                return 2;
            }
            if (selector is { Length: > 0 } && Parsing.Documents.HtmlDocumentParser.SelectorProblem(selector) is { } wrongSelector)
            {
                await Console.Error.WriteLineAsync($"feeds edit: --article-selector: {wrongSelector}");
                return 2;
            }
            if (selector is { Length: > 0 } && pages == false)
            {
                await Console.Error.WriteLineAsync("feeds edit: --article-selector says where the article is on the entries' pages, which --fetch-original off stops fetching");
                return 2;
            }
            var normalized = await SubscribedAddressAsync(services.GetRequiredService<FeedStore>(), address, ct);
            (TimeSpan? Min, TimeSpan? Max)? bounds = null;
            if (minText is not null || maxText is not null)
            {
                if (await services.GetRequiredService<FeedStore>().FindAsync(normalized, ct) is not { } current)
                {
                    await Console.Error.WriteLineAsync($"not subscribed: {FeedUrl.Masked(address)}");
                    return 1;
                }
                var (min, minError) = Bound("--min-poll", minText, current.MinIntervalSeconds);
                var (max, maxError) = Bound("--max-poll", maxText, current.MaxIntervalSeconds);
                var configured = services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Scheduling;
                var (lower, upper) = (min ?? TimeSpan.FromMinutes(configured.MinPollMinutes), max ?? TimeSpan.FromMinutes(configured.MaxPollMinutes));
                var wrong = minError ?? maxError ?? (lower > upper ? $"the lower bound ({lower.TotalMinutes} min) would be above the upper ({upper.TotalMinutes} min)" : null);
                if (wrong is not null)
                {
                    await Console.Error.WriteLineAsync($"feeds edit: {wrong}");
                    return 2;
                }
                bounds = (min, max);
            }
            if (readAs is { Length: > 0 } && FeedDecoder.Resolve(readAs) is null)
            {
                await Console.Error.WriteLineAsync($"feeds edit: --encoding {readAs}: not an encoding this service knows (e.g. utf-8, euc-kr, cp949, gb18030, big5, shift_jis, windows-1251, koi8-r)");
                return 2;
            }
            var store = services.GetRequiredService<FeedStore>();
            var found = await store.EditAsync(normalized, name, under, ct, credentials, enabled, readAs, bounds, pages, selector, rules);
            if (!found)
            {
                await Console.Error.WriteLineAsync($"not subscribed: {FeedUrl.Masked(address)}");
                return 1;
            }
            Console.WriteLine($"edited {normalized}");
            if ((name is not null || under is not null || enabled is not null || readAs is not null || bounds is not null || pages is not null || selector is not null || rules is not null)
                && services.GetRequiredService<Ingestion.SubscriptionsFile>().Lists(normalized) is { } file)
                await Console.Error.WriteLineAsync($"note: {file} lists this feed: its name, folder, bounds, encoding, fetchOriginal, articleSelector, blockRules, keepRules and enabled state there "
                    + "come back the next time that file changes; edit it there too");
            var edited = await store.FindAsync(normalized, ct);
            if (selector is { Length: > 0 } && edited is { FetchOriginal: false })
                await Console.Error.WriteLineAsync("note: the selector is used once the feed's entries' pages are fetched (--fetch-original on)");
            // What its kept body reads as has changed: read again now, not at the next change (text
            // read garbled in a new encoding, the feed's own text again, the kept pages' articles
            // where the selector says, or entries new rules let in; those they leave out are
            // counted). Pages switched on are fetched by the next poll, due now.
            var readAgain = readAs is not null || pages == false || (selector is not null && pages != true && edited is { FetchOriginal: true }) || (rules is not null && pages != true);
            if (readAgain && edited is not null && await store.StoredBodyAsync(edited.Id, ct) is not null)
                return await ReparseAsync(services, [edited], ct);
            return 0;
        }, ct, existing: true));
        return command;
    }

    /// <summary>A bound as given: whole minutes up to a week, "" for the configured one, absent for
    /// the feed's current one.</summary>
    private static (TimeSpan? Value, string? Error) Bound(string option, string? text, long? currentSeconds) => text switch
    {
        null => (currentSeconds is { } c ? TimeSpan.FromSeconds(c) : null, null),
        "" => (null, null),
        _ when int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minutes)
            && minutes is >= 1 and <= SchedulingOptions.LongestPollMinutes => (TimeSpan.FromMinutes(minutes), null),
        _ => (null, $"{option} {text}: give whole minutes from 1 to {SchedulingOptions.LongestPollMinutes} (a week), or \"\" for the configured bound"),
    };

    private static (Option<string?> User, Option<bool> PasswordStdin) CredentialOptions() => (
        new Option<string?>("--user") { Description = "Sign in to the feed (HTTP Basic) as this user; the password comes with --password-stdin" },
        new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (kept out of the shell's history and the process list)" });

    /// <summary>The credentials --user and --password-stdin give: (null, null) when not given,
    /// (null, error) when given wrong (the error already printed).</summary>
    private static async Task<(FeedCredentials? Credentials, string? Error)> CredentialsAsync(ParseResult result, Option<string?> user, Option<bool> passwordStdin, string verb)
    {
        var name = result.GetValue(user);
        var fromStdin = result.GetValue(passwordStdin);
        if (name is null && !fromStdin) return (null, null);
        string? error = null;
        if (string.IsNullOrWhiteSpace(name)) error = $"{verb}: --password-stdin needs --user NAME";
        else if (!fromStdin) error = $"{verb}: --user needs --password-stdin (the password is read from standard input, never from the command line)";
        if (error is not null)
        {
            await Console.Error.WriteLineAsync(error);
            return (null, error);
        }
        var password = (await Console.In.ReadLineAsync())?.TrimEnd('\r') ?? "";
        return (new FeedCredentials(name!.Trim(), password), null);
    }

    private static Command Remove()
    {
        var url = new Argument<string>("URL") { Description = "The feed's address, as `feeds list` shows it" };
        var command = new Command("remove", "Unsubscribe. Items already read stay.") { url };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var address = result.GetValue(url)!;
            var normalized = await SubscribedAddressAsync(services.GetRequiredService<FeedStore>(), address, ct);
            if (!await services.GetRequiredService<FeedStore>().RemoveAsync(normalized, ct))
            {
                await Console.Error.WriteLineAsync($"not subscribed: {FeedUrl.Masked(address)}");
                return 1;
            }
            Console.WriteLine($"removed {normalized}");
            if (services.GetRequiredService<Ingestion.SubscriptionsFile>().Lists(normalized) is { } file)
                await Console.Error.WriteLineAsync($"note: {file} lists this feed: the next time that file changes it is subscribed again; remove it there too");
            return 0;
        }, ct, existing: true));
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<string>("FILE.opml") { Description = "An OPML file exported by a feed reader" };
        var command = new Command("import", "Subscribe to every feed in an OPML file.") { file };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            Opml.OpmlList list;
            var path = result.GetValue(file)!;
            if (Directory.Exists(path))
            {
                await Console.Error.WriteLineAsync($"feeds import: {path} is a folder; give the OPML file a feed reader exported");
                return 2;
            }
            try
            {
                list = Opml.Read(path);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"feeds import: {e.Message}");
                return 2;
            }
            foreach (var problem in list.Problems)
                await Console.Error.WriteLineAsync($"feeds import: {problem}");
            if (list.Feeds.Count == 0 && list.Problems.Count == 0)
            {
                await Console.Error.WriteLineAsync($"feeds import: {result.GetValue(file)} lists no feeds (no outline has an xmlUrl)");
                return 1;
            }
            var added = await services.GetRequiredService<FeedStore>().AddAsync(list.Feeds, ct);
            Console.WriteLine($"{added} added, {list.Feeds.Count - added} already subscribed"
                + (list.Repeated > 0 ? $", {list.Repeated} listed twice in the file" : "")
                + (list.Problems.Count > 0 ? $", {list.Problems.Count} left out" : ""));
            return list.Problems.Count > 0 ? 1 : 0;
        }, ct));
        return command;
    }

    private static Command Export()
    {
        var command = new Command("export", "Print the subscriptions as OPML 2.0.");
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var feeds = await services.GetRequiredService<FeedStore>().ListAsync(ct);
            var title = services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Publishing.Title;
            // UTF-8 bytes, as the declaration says, whatever the locale's encoding: through
            // Console.Out an ISO-8859-1 locale turned every Korean or Chinese name into "???".
            Console.Out.Flush();
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(Encoding.UTF8.GetBytes(Opml.Write(feeds, title, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime) + "\n"), ct);
            return 0;
        }, ct, existing: true));
        return command;
    }

    private static Command Reparse()
    {
        var urls = new Argument<string[]>("URL") { Description = "The feeds' addresses, as `feeds list` shows them", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Every feed with a kept body" };
        var command = new Command("reparse", "Read feeds' kept bodies (each one's last successful fetch) again with this build and each feed's encoding, and store what they carry, without fetching.") { urls, all };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var given = result.GetValue(urls) ?? [];
            if (given.Length == 0 == !result.GetValue(all))
            {
                await Console.Error.WriteLineAsync("feeds reparse: give the feeds' addresses, or --all");
                return 2;
            }
            var feeds = await services.GetRequiredService<FeedStore>().ListAsync(ct);
            var chosen = new List<FeedRow>();
            foreach (var address in given)
                if (feeds.FirstOrDefault(f => f.Url == (FeedUrl.Normalize(FeedUrl.WithoutFeedScheme(address.Trim()), out _) ?? address)) is { } feed) chosen.Add(feed);
                else
                {
                    await Console.Error.WriteLineAsync($"not subscribed: {FeedUrl.Masked(address)}");
                    return 1;
                }
            return await ReparseAsync(services, result.GetValue(all) ? feeds : chosen, ct);
        }, ct, existing: true));
        return command;
    }

    private static async Task<int> ReparseAsync(IServiceProvider services, IReadOnlyList<FeedRow> feeds, CancellationToken ct)
    {
        var started = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var reports = await services.GetRequiredService<Ingestion.FeedIngestor>().ReparseAsync(feeds, ct);
        foreach (var r in reports)
        {
            if (r.Error is not null)
            {
                await Console.Error.WriteLineAsync($"{r.Url}: {r.Error}");
                continue;
            }
            Console.WriteLine($"{r.Url}: {r.Outcomes.Count} entries read: {r.Outcomes.Count(o => o == StoreOutcome.Inserted)} new, "
                + $"{r.Outcomes.Count(o => o == StoreOutcome.Sighted)} new sighting(s) of stored items, {r.Outcomes.Count(o => o == StoreOutcome.Updated)} updated, "
                + $"{r.Outcomes.Count(o => o == StoreOutcome.Unchanged)} unchanged"
                + (r.LeftOut.Count > 0 ? $"; {r.LeftOut.Count} left out by its rules" : ""));
            // Which (the first ten), so that a rule that catches more than meant is seen at once.
            foreach (var title in r.LeftOut.Take(10))
                Console.WriteLine($"  left out: {title}");
            if (r.LeftOut.Count > 10) Console.WriteLine($"  … and {r.LeftOut.Count - 10} more");
        }
        // Items read again differently are changes subscribers are pushed, as a poll's are.
        if (reports.Any(r => r.Outcomes.Any(o => o is StoreOutcome.Inserted or StoreOutcome.Updated))
            && await services.GetRequiredService<Publishing.WebSubPublisher>().PublishChangesAsync(started, ct) is { Count: > 0 } pinged)
            Console.WriteLine($"WebSub: the hub was told about {pinged.Count} changed feed(s)");
        return reports.Any(r => r.Error is not null) ? 1 : 0;
    }

    /// <summary>config/feeds.opml is applied by the service and `run-once`, not by these commands:
    /// someone who has just put their reader's list there is told why it is not listed yet.</summary>
    private static async Task NoteListNotAppliedAsync(IServiceProvider services, CancellationToken ct)
    {
        if (await services.GetRequiredService<Ingestion.SubscriptionsFile>().PendingAsync(ct) is { } pending)
            await Console.Error.WriteLineAsync($"note: {pending}");
    }

    /// <summary>What `feeds edit` or the list's outline set for this feed alone, so an edit can be seen to have taken.</summary>
    private static string OwnSettings(FeedRow f) => string.Join(", ", new[]
    {
        f.MinIntervalSeconds is { } min ? $"polled at most every {min / 60} min" : null,
        f.MaxIntervalSeconds is { } max ? $"at least every {max / 60} min" : null,
        f.EncodingOverride is { } encoding ? $"read as {encoding}" : null,
        f.FetchOriginal ? "entries' own pages fetched" + (f.ArticleSelector is { } where ? $" (article at {where})" : "") : null,
        f.BlockRuleList.Count > 0 ? "entries left out when they match " + string.Join(" or ", f.BlockRuleList.Select(r => $"\"{r}\"")) : null,
        f.KeepRuleList.Count > 0 ? "only entries matching " + string.Join(" or ", f.KeepRuleList.Select(r => $"\"{r}\"")) + " stored" : null,
    }.OfType<string>());

    /// <summary>When, and why then: "2026-11-24 09:10:00Z (publishes about 2 a day)".</summary>
    private static string NextPoll(FeedRow f) =>
        f.NextPoll is not { } next ? "never" : next <= DateTime.UtcNow ? "due now" : When(next) + (f.NextPollWhy is { } why ? $" ({why})" : "");

    private static string When(DateTime? t) => t is { } v ? v.ToString("yyyy-MM-dd HH:mm:ss'Z'") : "never";
}
