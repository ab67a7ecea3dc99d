using Aggregator.Ingestion;
using Aggregator.Mail;
using Aggregator.Parsing;
using Aggregator.Processing.Tagging;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Mail;

/// <summary>What the planner puts in alerts and digests as stories grow and change between them.</summary>
public abstract class MailPlannerTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Full = MaritimeTalks.Full, Summary = MaritimeTalks.Summary;

    private static Task<TestServices> StartAsync(Backend backend, string mode, TempFolder temp) => TestServices.StartAsync(backend, new Dictionary<string, string?>
    {
        ["Aggregator:Mail:From"] = "Monitor <monitor@example.org>",
        ["Aggregator:Mail:PickupDirectory"] = temp.Sub("pickup"),
        ["Aggregator:Mail:Recipients:0:Address"] = "analyst@example.org",
        ["Aggregator:Mail:Recipients:0:Tags:0"] = "korea-china",
        ["Aggregator:Mail:Recipients:0:Mode"] = mode,
        ["Aggregator:Mail:AlertWindowSeconds"] = "0",
    });

    private static async Task StoreAsync(TestServices app, string outlet, string title, string body, bool tagged)
    {
        var items = app.Get<ItemStore>();
        var source = await items.EnsureSourceAsync("document", outlet + ".txt", outlet, Ct);
        var article = new ParsedDocument { Title = title, Body = body.Trim(), Language = "en", Outlet = outlet };
        var incoming = IncomingItems.From(source, "", article, app.Get<TopicCatalog>(), "example.org,2025");
        await items.StoreAsync(tagged ? incoming : incoming with { Tags = [] }, Ct);
    }

    /// <summary>The service restarted with the recipient's address written as given, and registered.</summary>
    private static async Task<MailPlanner> WrittenAsAsync(TestServices app, string address)
    {
        await app.RestartAsync(("Aggregator:Mail:Recipients:0:Address", address));
        var planner = app.Get<MailPlanner>();
        await planner.RegisterRecipientsAsync(Ct);
        return planner;
    }

    /// <summary>An address the settings come to write in other capitals keeps its state: one who
    /// unsubscribed stays unsubscribed (a second row was made for the new spelling, and mail went
    /// out again).</summary>
    [Fact]
    public async Task An_unsubscribed_address_written_in_other_capitals_stays_unsubscribed()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "alert", temp);
        await WrittenAsAsync(app, "Analyst@Example.org");
        Assert.True(await app.Get<UnsubscribeLinks>().UnsubscribeAsync("analyst@example.org", Ct));

        var planner = await WrittenAsAsync(app, "analyst@example.org");
        Assert.NotNull(await planner.UnsubscribedAtAsync("analyst@example.org", Ct));
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, tagged: true);
        Assert.Equal(0, await planner.QueueAlertsAsync(Ct));
    }

    /// <summary>An address the settings come to write in other capitals is not alerted again to
    /// the stories the old spelling was alerted to.</summary>
    [Fact]
    public async Task An_address_written_in_other_capitals_is_not_alerted_again_to_the_same_story()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "alert", temp);
        var before = await WrittenAsAsync(app, "Analyst@Example.org");
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, tagged: true);
        Assert.Equal(1, await before.QueueAlertsAsync(Ct));

        var planner = await WrittenAsAsync(app, "analyst@example.org");
        Assert.Equal(0, await planner.QueueAlertsAsync(Ct));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM mail_alerted WHERE recipient = 'analyst@example.org'"));
    }

    /// <summary>A teaser seen untagged before one digest, its full text tagged before the next:
    /// the story was in no digest, so it is in the next one (it was alerted, never digested).</summary>
    [Fact]
    public async Task A_story_tagged_through_a_later_copy_is_in_the_next_digest_and_only_that_one()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "digest", temp);
        var planner = app.Get<MailPlanner>();
        var recipient = planner.Find("analyst@example.org")!;
        await StoreAsync(app, "Wire Feed", "S. Korea, China to restart sea dialogue", Summary, tagged: false);
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));

        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, tagged: true);
        var digest = await planner.DigestAsync(recipient, queue: true, Ct);

        Assert.NotNull(digest);
        Assert.Equal("Wire Feed", Assert.Single(digest.Content.Stories).Outlet);
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));
    }

    /// <summary>An outlet corrects its entry in place and the story becomes Korea–China
    /// coverage: it was first seen before the period, yet it was in no digest, so it is in the next
    /// one, and only that one.</summary>
    [Fact]
    public async Task A_story_tagged_by_a_correction_in_place_is_in_the_next_digest_and_only_that_one()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "digest", temp);
        var planner = app.Get<MailPlanner>();
        var recipient = planner.Find("analyst@example.org")!;
        await StoreAsync(app, "Wire Feed", "S. Korea, China to restart sea dialogue", Full, tagged: false);
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));

        await StoreAsync(app, "Wire Feed", "S. Korea, China to restart sea dialogue", Full + "\n\nThis story was updated with the ministry's statement.", tagged: true);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
        var digest = await planner.DigestAsync(recipient, queue: true, Ct);

        Assert.NotNull(digest);
        Assert.Equal("S. Korea, China to restart sea dialogue", Assert.Single(digest.Content.Stories).Title);
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));
    }

    /// <summary>New rules tag stories stored untagged: this week's reach the next digest, once
    /// (a retag that keeps the tag does not send it again); last month's are not news.</summary>
    [Fact]
    public async Task Stories_tagged_by_a_retag_are_in_the_next_digest_unless_they_are_old()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "digest", temp);
        var planner = app.Get<MailPlanner>();
        var recipient = planner.Find("analyst@example.org")!;
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, tagged: false);
        await StoreAsync(app, "Harbour News", "New Yalu bridge opens", "North Korea and China opened a new bridge over the Yalu River on Monday, linking Sinuiju and Dandong, state media in Pyongyang said. Chinese officials attended.", tagged: false);
        var monthAgo = DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await app.ExecuteAsync($"UPDATE items SET first_seen_at = '{monthAgo}', published_at = '{monthAgo}' WHERE outlet = 'Harbour News'");
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));

        await app.Get<Retagger>().RetagAllAsync(Ct);
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(DISTINCT item_id) FROM item_tags WHERE tag = 'korea-china'"));
        var digest = await planner.DigestAsync(recipient, queue: true, Ct);

        Assert.NotNull(digest);
        Assert.Equal("Seoul Daily", Assert.Single(digest.Content.Stories).Outlet);
        await app.Get<Retagger>().RetagAllAsync(Ct);
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));
    }

    /// <summary>A story rewritten into another (a new entry id) is new to alerts: its alert was
    /// dropped for sharing the first alert's Message-ID.</summary>
    [Fact]
    public async Task A_story_rewritten_into_another_is_alerted_again()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "alert", temp);
        var planner = app.Get<MailPlanner>();
        await planner.RegisterRecipientsAsync(Ct); // as the service does at start: alerts count from then
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, tagged: true);
        Assert.Equal(1, await planner.QueueAlertsAsync(Ct));

        const string Other = """
            North Korea and China opened a new bridge over the Yalu River on Monday, linking Sinuiju and Dandong, state media in Pyongyang said.

            Chinese officials attended the ceremony, and trucks carrying fertilizer crossed into North Korea within hours. Traders in Dandong expect the route to double cross-border freight by next year.
            """;
        await StoreAsync(app, "Seoul Daily", "New Yalu bridge opens", Other, tagged: true);

        Assert.Equal(1, await planner.QueueAlertsAsync(Ct));
        Assert.Equal(2, (await app.Get<Outbox>().ListAsync(null, 10, Ct)).Count);
    }

    /// <summary>A copy of an alerted story is removed while the alert waits: the alert is
    /// withdrawn and the story alerted again without the copy. Its heads are the same, so its
    /// Message-ID was too, and the outbox dropped the new alert as already queued; the withdrawn
    /// one cannot be retried.</summary>
    [Fact]
    public async Task A_story_whose_copy_is_removed_while_its_alert_waits_is_alerted_again_without_it()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "alert", temp);
        var planner = app.Get<MailPlanner>();
        await planner.RegisterRecipientsAsync(Ct);
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, tagged: true);
        await StoreAsync(app, "Wire Feed", "S. Korea, China to restart sea dialogue", Summary, tagged: true);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM items WHERE story_id IS NOT NULL"));
        Assert.Equal(1, await planner.QueueAlertsAsync(Ct));
        var copy = await app.ScalarAsync<string>("SELECT entry_id FROM items WHERE outlet = 'Wire Feed'");

        Assert.Equal(1, (await app.Get<ItemRemoval>().RemoveAsync([copy], "spam", wholeStory: false, Ct))[0].Withdrawn);
        Assert.Equal(1, await planner.QueueAlertsAsync(Ct));

        var outbox = app.Get<Outbox>();
        var messages = (await outbox.ListAsync(null, 10, Ct)).OrderBy(m => m.Id).ToList();
        Assert.Equal(["withdrawn", "queued"], messages.Select(m => m.State));
        Assert.Equal(["New story: Seoul, Beijing resume maritime talks"], messages.Select(m => m.Subject).Distinct());
        Assert.DoesNotContain("Wire Feed", System.Text.Encoding.UTF8.GetString((await outbox.GetAsync(messages[1].Id, Ct))!.Mime), StringComparison.Ordinal);
        Assert.False(await outbox.RetryAsync(messages[0].Id, Ct));
        Assert.Equal(0, await planner.QueueAlertsAsync(Ct));
    }

    private const string YaluBridge = """
        North Korea and China opened a new bridge over the Yalu River on Monday, linking Sinuiju and Dandong, state media in Pyongyang said.

        Chinese officials attended the ceremony, and trucks carrying fertilizer crossed into North Korea within hours. Traders in Dandong expect the route to double cross-border freight by next year.
        """;

    private const string JejuCruises = """
        Chinese cruise ships returned to Jeju Island on Monday for the first time in seven years, after Beijing lifted its ban on group tours to South Korea, the provincial tourism board said.

        About 3,000 passengers came ashore from the first ship, most of them from Shanghai, and sixty more port calls by Chinese lines are scheduled this year.
        """;

    /// <summary>A digest still waiting for the server when one of its stories is removed (a
    /// retraction) is withdrawn, and its period goes into the next digest without that story. A
    /// digest queued later meanwhile keeps the period closed: the withdrawn one's other stories are
    /// not mailed twice.</summary>
    [Fact]
    public async Task A_queued_digest_carrying_a_removed_story_is_withdrawn_and_its_period_digested_again_without_it()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "digest", temp);
        var planner = app.Get<MailPlanner>();
        var recipient = planner.Find("analyst@example.org")!;
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, tagged: true);
        await StoreAsync(app, "Pyongyang Watch", "New Yalu bridge opens", YaluBridge, tagged: true);
        Assert.Equal(2, (await planner.DigestAsync(recipient, queue: true, Ct))!.Content.Stories.Count);
        var bridge = await app.ScalarAsync<string>("SELECT entry_id FROM items WHERE outlet = 'Pyongyang Watch'");

        Assert.Equal(1, (await app.Get<ItemRemoval>().RemoveAsync([bridge], "retracted", wholeStory: false, Ct))[0].Withdrawn);
        var outbox = app.Get<Outbox>();
        var withdrawn = Assert.Single(await outbox.ListAsync("withdrawn", 10, Ct));
        Assert.EndsWith("its period goes into the recipient's next digest, without it", withdrawn.LastError, StringComparison.Ordinal);
        var again = await planner.DigestAsync(recipient, queue: true, Ct);
        Assert.Equal(["Seoul Daily"], again!.Content.Stories.Select(s => s.Outlet));
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));

        // Its replacement waits too, a later digest is queued, and the talks are retracted.
        await StoreAsync(app, "Jeju Herald", "Chinese cruise ships return to Jeju", JejuCruises, tagged: true);
        Assert.NotNull(await planner.DigestAsync(recipient, queue: true, Ct));
        var talks = await app.ScalarAsync<string>("SELECT entry_id FROM items WHERE outlet = 'Seoul Daily'");
        Assert.Equal(1, (await app.Get<ItemRemoval>().RemoveAsync([talks], "retracted", wholeStory: false, Ct))[0].Withdrawn);
        Assert.EndsWith("a later digest was queued meanwhile, so its other stories are not mailed again",
            (await outbox.ListAsync("withdrawn", 10, Ct)).MaxBy(m => m.Id)!.LastError, StringComparison.Ordinal);
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));
        Assert.Equal(["queued"], (await outbox.ListAsync("queued", 10, Ct)).Select(m => m.State));
    }

    /// <summary>A digest reader who turns alerts on is not alerted, as new, the stories their
    /// digests already carried.</summary>
    [Fact]
    public async Task Turning_alerts_on_does_not_alert_what_came_before()
    {
        using var temp = new TempFolder();
        await using var app = await StartAsync(backend, "digest", temp);
        await app.Get<MailPlanner>().RegisterRecipientsAsync(Ct);
        await StoreAsync(app, "Seoul Daily", "Seoul, Beijing resume maritime talks", Full, tagged: true);
        Assert.Equal(0, await app.Get<MailPlanner>().QueueAlertsAsync(Ct)); // the mail tick, digests only

        await app.RestartAsync(("Aggregator:Mail:Recipients:0:Mode", "both"));
        await app.Get<MailPlanner>().RegisterRecipientsAsync(Ct);
        Assert.Equal(0, await app.Get<MailPlanner>().QueueAlertsAsync(Ct));

        await StoreAsync(app, "Harbour News", "New Yalu bridge opens", "North Korea and China opened a new bridge over the Yalu River on Monday, linking Sinuiju and Dandong, state media in Pyongyang said. Chinese officials attended.", tagged: true);
        Assert.Equal(1, await app.Get<MailPlanner>().QueueAlertsAsync(Ct));
    }
}

public sealed class MailPlannerTestsOnSqlite() : MailPlannerTests(Backend.Sqlite);

public sealed class MailPlannerTestsOnPostgres() : MailPlannerTests(Backend.Postgres);
