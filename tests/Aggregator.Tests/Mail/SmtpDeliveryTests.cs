using Aggregator.Ingestion;
using Aggregator.Mail;
using Aggregator.Tests.TestSupport;
using MimeKit;

namespace Aggregator.Tests.Mail;

/// <summary>The outbox against a real SMTP server (aiosmtpd on loopback): what arrives, and what
/// happens on 5xx, 4xx and no server at all.</summary>
public abstract class SmtpDeliveryTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(int port, params string[] recipients)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Aggregator:Mail:From"] = "Korea–China monitor <monitor@example.org>",
            ["Aggregator:Mail:Smtp:Host"] = "127.0.0.1",
            ["Aggregator:Mail:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Aggregator:Mail:Smtp:Security"] = "none",
            ["Aggregator:Mail:Smtp:TimeoutSeconds"] = "5",
            ["Aggregator:Mail:RetryBaseSeconds"] = "1",
            ["Aggregator:Mail:RetryMaxSeconds"] = "2",
            ["Aggregator:Publishing:BaseUrl"] = "https://monitor.example/",
        };
        for (var i = 0; i < recipients.Length; i++)
        {
            settings[$"Aggregator:Mail:Recipients:{i}:Address"] = recipients[i];
            settings[$"Aggregator:Mail:Recipients:{i}:Tags:0"] = "korea-china";
            settings[$"Aggregator:Mail:Recipients:{i}:Mode"] = "digest";
            settings[$"Aggregator:Mail:Recipients:{i}:TimeZone"] = "Asia/Seoul";
        }
        return settings;
    }

    private async Task<TestServices> WithSeedsAsync(Dictionary<string, string?> settings)
    {
        var app = await TestServices.StartAsync(backend, settings);
        await app.Get<DocumentIngestor>().ImportAsync([RepoPaths.Seeds], null, Ct);
        return app;
    }

    [Fact]
    public async Task A_digest_arrives_once_through_SMTP_with_its_headers_and_both_parts()
    {
        SmtpSink.Require();
        using var temp = new TempFolder();
        await using var smtp = await SmtpSink.StartAsync(temp.Sub("maildir"));
        await using var app = await WithSeedsAsync(Settings(smtp.Port, "analyst@example.org"));
        var planner = app.Get<MailPlanner>();
        var recipient = planner.Find("analyst@example.org")!;

        var digest = await planner.DigestAsync(recipient, queue: true, Ct);
        Assert.NotNull(digest);
        var outcome = await app.Get<MailDelivery>().DeliverDueAsync(Ct);
        Assert.Equal(new MailDelivery.Outcome(1, 0, 0), outcome);

        var message = Assert.Single(smtp.Messages());
        Assert.Equal(digest.Message.MessageId, message.MessageId);
        Assert.StartsWith("Digest: 5 stories, ", message.Subject);
        Assert.Equal("analyst@example.org", message.To.Mailboxes.Single().Address);
        Assert.IsType<MultipartAlternative>(message.Body);
        foreach (var title in Seeds.TitlesAndDates.Keys)
        {
            Assert.Contains(title, message.TextBody);
            Assert.Contains(Aggregator.Publishing.EntryText.Encode(title), message.HtmlBody);
        }
        var unsubscribe = message.Headers[HeaderId.ListUnsubscribe]!;
        Assert.StartsWith("<https://monitor.example/mail/unsubscribe?address=analyst%40example.org&token=", unsubscribe);
        Assert.Equal("sent", (await app.Get<Outbox>().FindAsync(message.MessageId!, Ct))!.State);

        // Nothing new since: the next digest is skipped, and nothing more arrives.
        Assert.Null(await planner.DigestAsync(recipient, queue: true, Ct));
        Assert.Equal(new MailDelivery.Outcome(0, 0, 0), await app.Get<MailDelivery>().DeliverDueAsync(Ct));
        Assert.Single(smtp.Messages());
    }

    [Fact]
    public async Task A_5xx_fails_with_the_servers_reply_a_4xx_waits_with_backoff_and_retry_requeues()
    {
        SmtpSink.Require();
        using var temp = new TempFolder();
        await using var smtp = await SmtpSink.StartAsync(temp.Sub("maildir"));
        await using var app = await WithSeedsAsync(Settings(smtp.Port, "bounce@example.org", "defer@example.org", "analyst@example.org"));
        var planner = app.Get<MailPlanner>();
        foreach (var r in planner.Recipients)
            Assert.NotNull(await planner.DigestAsync(r, queue: true, Ct));

        var started = DateTime.UtcNow;
        var outcome = await app.Get<MailDelivery>().DeliverDueAsync(Ct);
        Assert.Equal(new MailDelivery.Outcome(1, 1, 1), outcome);

        var outbox = app.Get<Outbox>();
        var messages = (await outbox.ListAsync(null, 10, Ct)).ToDictionary(m => m.Recipient);
        Assert.Equal("sent", messages["analyst@example.org"].State);
        var bounced = messages["bounce@example.org"];
        Assert.Equal("failed", bounced.State);
        Assert.Contains("550", bounced.LastError);
        Assert.Contains("mailbox unavailable", bounced.LastError);
        var deferred = messages["defer@example.org"];
        Assert.Equal("queued", deferred.State);
        Assert.Contains("451", deferred.LastError);
        Assert.Contains("try again later", deferred.LastError);
        Assert.Equal(1, deferred.Attempts);
        Assert.True(deferred.NextAttemptAt > started, "a deferred message waits before its next attempt");
        Assert.Equal("analyst@example.org", Assert.Single(smtp.Messages()).To.Mailboxes.Single().Address);

        // The next attempt waits for its backoff; then it is deferred again and waits longer.
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        await app.Get<MailDelivery>().DeliverDueAsync(Ct);
        deferred = (await outbox.GetAsync(deferred.Id, Ct))!;
        Assert.Equal(("queued", 2), (deferred.State, deferred.Attempts));

        // `mail retry` on the failed one: queued again with a fresh count, and refused again.
        Assert.True(await outbox.RetryAsync(bounced.Id, Ct));
        Assert.Equal(("queued", 0), ((await outbox.GetAsync(bounced.Id, Ct))!.State, (await outbox.GetAsync(bounced.Id, Ct))!.Attempts));
        await app.Get<MailDelivery>().DeliverDueAsync(Ct, onlyId: bounced.Id);
        Assert.Equal("failed", (await outbox.GetAsync(bounced.Id, Ct))!.State);
        Assert.False(await outbox.RetryAsync(messages["analyst@example.org"].Id, Ct)); // a sent message is not resent
    }

    /// <summary>A relay that wants a login answers 530 at MAIL FROM. MailKit throws an exception
    /// of its own for it, which once escaped: every claimed message stayed "sending" with no
    /// reason, and `run-once` ended in a stack trace.</summary>
    [Fact]
    public async Task A_relay_wanting_a_login_keeps_the_messages_queued_with_the_reason()
    {
        SmtpSink.Require();
        using var temp = new TempFolder();
        await using var smtp = await SmtpSink.StartAsync(temp.Sub("maildir"));
        var settings = Settings(smtp.Port, "analyst@example.org", "editor@example.org");
        settings["Aggregator:Mail:From"] = "Monitor <login-needed@example.org>";
        await using var app = await WithSeedsAsync(settings);
        var planner = app.Get<MailPlanner>();
        foreach (var r in planner.Recipients)
            Assert.NotNull(await planner.DigestAsync(r, queue: true, Ct));

        Assert.Equal(new MailDelivery.Outcome(0, 2, 0), await app.Get<MailDelivery>().DeliverDueAsync(Ct));

        foreach (var message in await app.Get<Outbox>().ListAsync(null, 10, Ct))
        {
            Assert.Equal("queued", message.State);
            Assert.Contains("requires a login", message.LastError);
            Assert.Contains("530", message.LastError);
        }
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public async Task With_no_server_messages_stay_queued_and_go_out_once_when_it_comes_up()
    {
        SmtpSink.Require();
        using var temp = new TempFolder();
        await using var smtp = new SmtpSink(temp.Sub("maildir")); // not listening yet
        await using var app = await WithSeedsAsync(Settings(smtp.Port, "analyst@example.org", "editor@example.org"));
        var planner = app.Get<MailPlanner>();
        foreach (var r in planner.Recipients)
            Assert.NotNull(await planner.DigestAsync(r, queue: true, Ct));

        Assert.Equal(new MailDelivery.Outcome(0, 2, 0), await app.Get<MailDelivery>().DeliverDueAsync(Ct));
        var queued = await app.Get<Outbox>().ListAsync("queued", 10, Ct);
        Assert.Equal(2, queued.Count);
        Assert.All(queued, m => Assert.Contains($"127.0.0.1:{smtp.Port}", m.LastError));

        // A new process (nothing kept in memory) finds them and sends them when the server is up.
        await app.RestartAsync();
        await smtp.UpAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct); // the backoff
        Assert.Equal(new MailDelivery.Outcome(2, 0, 0), await app.Get<MailDelivery>().DeliverDueAsync(Ct));
        Assert.Equal(new MailDelivery.Outcome(0, 0, 0), await app.Get<MailDelivery>().DeliverDueAsync(Ct));
        Assert.Equal(["analyst@example.org", "editor@example.org"], smtp.Messages().Select(m => m.To.Mailboxes.Single().Address).Order());
    }
}

public sealed class SmtpDeliveryTestsOnSqlite() : SmtpDeliveryTests(Backend.Sqlite);

public sealed class SmtpDeliveryTestsOnPostgres() : SmtpDeliveryTests(Backend.Postgres);
