using Aggregator.Tests.TestSupport;
using MimeKit;

namespace Aggregator.Tests.Mail;

/// <summary>The mail and digest commands, the pickup folder, digests on their cron schedule,
/// and the configuration checks, all through the real program.</summary>
public abstract class MailCliTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Dictionary<string, string>> EnvAsync(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(await TestPostgres.EnvironmentAsync(backend))
        {
            ["Aggregator__Sources__SubscriptionsFile"] = "/nonexistent/feeds.opml",
            ["Aggregator__Mail__From"] = "Korea–China monitor <monitor@example.org>",
            ["Aggregator__Mail__Smtp__Security"] = "none",
            ["Aggregator__Mail__Recipients__0__Address"] = "analyst@example.org",
            ["Aggregator__Mail__Recipients__0__Tags__0"] = "korea-china",
            ["Aggregator__Mail__Recipients__0__Mode"] = "digest",
            ["Aggregator__Mail__Recipients__0__TimeZone"] = "Asia/Seoul",
            ["Aggregator__Mail__Recipients__1__Address"] = "bounce@example.org",
            ["Aggregator__Mail__Recipients__1__Tags__0"] = "korea-china",
        };
        foreach (var (key, value) in extra) env[key] = value;
        return env;
    }

    private static async Task<ProcessResult> RunAsync(Dictionary<string, string> env, string data, params string[] args) =>
        await Processes.AggregatorAsync(RepoPaths.Root, env, [.. args, "--data", data]);

    [Fact]
    public async Task Digest_preview_and_send_mail_list_and_retry_work_against_a_real_server()
    {
        SmtpSink.Require();
        using var temp = new TempFolder();
        await using var smtp = await SmtpSink.StartAsync(Path.Combine(temp.Path, "maildir"));
        var env = await EnvAsync(("Aggregator__Mail__Smtp__Host", "127.0.0.1"), ("Aggregator__Mail__Smtp__Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var data = temp.Sub("data");
        var run = await RunAsync(env, data, "run-once");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        Assert.True(run.Stdout.Contains("mail: 0 alert(s) queued", StringComparison.Ordinal), run.Stdout); // digest recipients get no alerts

        // Preview: the .eml is written and the text part printed; nothing is sent or recorded.
        var eml = Path.Combine(temp.Path, "preview.eml");
        var preview = await RunAsync(env, data, "digest", "preview", "--to", "analyst@example.org", "--out", eml);
        Assert.True(preview.ExitCode == 0, preview.Stderr);
        foreach (var title in Seeds.TitlesAndDates.Keys) Assert.Contains(title, preview.Stdout);
        var previewed = await MimeMessage.LoadAsync(eml, Ct);
        Assert.StartsWith("Digest: 5 stories, ", previewed.Subject);
        Assert.Equal(preview.Stdout.Trim(), previewed.TextBody!.Trim());
        Assert.Empty(smtp.Messages());
        var empty = await RunAsync(env, data, "mail", "list");
        Assert.True(empty.Stdout.Contains("The outbox is empty.", StringComparison.Ordinal), empty.Stdout + empty.Stderr);

        // Send: the same digest arrives; the next one has nothing new and is skipped. Its period
        // ends when it is made, so a send seconds after the preview may end a minute later.
        var sending = DateTime.UtcNow;
        var send = await RunAsync(env, data, "digest", "send", "--to", "analyst@example.org");
        var sent = DateTime.UtcNow;
        Assert.True(send.ExitCode == 0, send.Stderr + send.Stdout);
        Assert.Contains("sent", send.Stdout);
        var delivered = Assert.Single(smtp.Messages());
        var (previewedPeriod, deliveredPeriod) = (Period(previewed.TextBody!), Period(delivered.TextBody!));
        Assert.Equal(previewed.TextBody!.Replace(previewedPeriod.Text, "PERIOD", StringComparison.Ordinal),
            delivered.TextBody!.Replace(deliveredPeriod.Text, "PERIOD", StringComparison.Ordinal));
        var seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        DateTime Minute(DateTime utc) { var local = TimeZoneInfo.ConvertTimeFromUtc(utc, seoul); return local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute)); }
        Assert.InRange(deliveredPeriod.Until, Minute(sending), Minute(sent));
        Assert.Equal(deliveredPeriod.Until.AddDays(-1), deliveredPeriod.From); // the first digest: one day of the daily schedule
        var again = await RunAsync(env, data, "digest", "send", "--to", "analyst@example.org");
        Assert.True(again.ExitCode == 0 && again.Stdout.Contains("nothing sent", StringComparison.Ordinal), again.Stdout + again.Stderr);
        Assert.Single(smtp.Messages());

        // A refused recipient: failed with the server's reply, listed so; a retry is refused again.
        var bounce = await RunAsync(env, data, "digest", "send", "--to", "bounce@example.org");
        Assert.True(bounce.ExitCode == 1, bounce.Stdout + bounce.Stderr);
        var list = await RunAsync(env, data, "mail", "list");
        Assert.True(list.ExitCode == 0, list.Stdout + list.Stderr);
        Assert.Matches(@"1  SENT +digest  analyst@example.org  5 stories", list.Stdout);
        Assert.Matches(@"2  FAILED +digest  bounce@example.org", list.Stdout);
        Assert.Contains("failed: smtp://127.0.0.1:" + smtp.Port + " (none) answered 550", list.Stdout);
        var retry = await RunAsync(env, data, "mail", "retry", "2");
        Assert.True(retry.ExitCode == 1 && retry.Stdout.Contains("message 2: failed", StringComparison.Ordinal), retry.Stdout + retry.Stderr);
        Assert.Contains("is sent, not failed", (await RunAsync(env, data, "mail", "retry", "1")).Stderr);

        var unknown = await RunAsync(env, data, "digest", "preview", "--to", "nobody@example.org");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("nobody@example.org is not a configured recipient", unknown.Stderr);

        // A request to unsubscribe that came by mail (the mailto link), acted on by the operator;
        // then digest send says so, not "no new stories".
        var unsubscribe = await RunAsync(env, data, "mail", "unsubscribe", "analyst@example.org");
        Assert.True(unsubscribe.ExitCode == 0 && unsubscribe.Stdout.Contains("unsubscribed", StringComparison.Ordinal), unsubscribe.Stdout + unsubscribe.Stderr);
        Assert.Equal(1, (await RunAsync(env, data, "mail", "unsubscribe", "analyst@example.org")).ExitCode);
        var unsubscribed = await RunAsync(env, data, "digest", "send", "--to", "analyst@example.org");
        Assert.True(unsubscribed.ExitCode == 1 && unsubscribed.Stderr.Contains("analyst@example.org unsubscribed on ", StringComparison.Ordinal),
            unsubscribed.Stdout + unsubscribed.Stderr);
        Assert.Equal(0, (await RunAsync(env, data, "mail", "resubscribe", "analyst@example.org")).ExitCode);

        // Typos: an unknown state listed nothing, as if the outbox were empty; a misspelled
        // address was "unsubscribed" while the real one went on getting mail.
        var state = await RunAsync(env, data, "mail", "list", "--state", "bogus");
        Assert.NotEqual(0, state.ExitCode);
        Assert.Contains("bogus", state.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("The outbox is empty.", state.Stdout, StringComparison.Ordinal);
        var misspelled = await RunAsync(env, data, "mail", "unsubscribe", "analyst@exmaple.org");
        Assert.Equal((1, "analyst@exmaple.org is not a configured recipient (Aggregator:Mail:Recipients: analyst@example.org, bounce@example.org); nothing was changed\n"),
            (misspelled.ExitCode, misspelled.Stderr));

        // The default security, STARTTLS, against a server without it (a relay on this machine):
        // said as the setting to change, and the message waits for it.
        env["Aggregator__Mail__Smtp__Security"] = "starttls";
        var plain = await RunAsync(env, data, "mail", "retry", "2");
        Assert.True(plain.ExitCode == 1, plain.Stdout + plain.Stderr);
        var waiting = await RunAsync(env, data, "mail", "list", "--state", "queued");
        Assert.Contains($"smtp://127.0.0.1:{smtp.Port} (starttls) does not offer STARTTLS", waiting.Stdout, StringComparison.Ordinal);
        Assert.Contains("set Aggregator:Mail:Smtp:Security to none", waiting.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A digest's period as its text states it ("2026-11-23 07:24 to 2026-11-24 07:24", the
    /// recipient's local time).</summary>
    private static (string Text, DateTime From, DateTime Until) Period(string body)
    {
        var m = System.Text.RegularExpressions.Regex.Match(body, @"(\d{4}-\d\d-\d\d \d\d:\d\d) to (\d{4}-\d\d-\d\d \d\d:\d\d)");
        Assert.True(m.Success, body);
        DateTime At(string text) => DateTime.ParseExact(text, "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return (m.Value, At(m.Groups[1].Value), At(m.Groups[2].Value));
    }

    [Fact]
    public async Task The_service_sends_digests_on_their_cron_schedule_into_a_pickup_folder()
    {
        using var temp = new TempFolder();
        var pickup = Path.Combine(temp.Path, "pickup");
        var env = await EnvAsync(("Aggregator__Mail__PickupDirectory", pickup),
            ("Aggregator__Mail__Recipients__0__DigestCron", "*/3 * * * * ?")); // Quartz form, every 3 seconds
        env.Remove("Aggregator__Mail__Recipients__1__Address");
        env.Remove("Aggregator__Mail__Recipients__1__Tags__0");
        await using var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data"), env);
        Assert.Contains("Mail is on: 0 alert recipients and 1 digest recipient, through pickup folder " + pickup, service.Log);

        await service.WaitUntilAsync(() => Task.FromResult(service.Log.Contains("Imported 5 document(s)", StringComparison.Ordinal)), "the seeds are imported", 60);
        await service.WaitUntilAsync(() => Task.FromResult(Directory.Exists(pickup) && Directory.GetFiles(pickup, "*.eml").Length >= 1), "a digest is written", 60);
        await Task.Delay(TimeSpan.FromSeconds(7), Ct); // two more firings with nothing new: skipped
        // A firing while the seeds were being imported (one transaction per document) sends the
        // stories stored so far, and the next one the rest: every story in exactly one digest.
        var digests = new List<MimeMessage>();
        foreach (var file in Directory.GetFiles(pickup, "*.eml").Order(StringComparer.Ordinal))
            digests.Add(await MimeMessage.LoadAsync(file, Ct));
        Assert.InRange(digests.Count, 1, 2);
        Assert.All(digests, d => Assert.Equal("analyst@example.org", d.To.Mailboxes.Single().Address));
        foreach (var title in Seeds.TitlesAndDates.Keys) Assert.Single(digests, d => (d.TextBody ?? "").Contains(title, StringComparison.Ordinal));
        Assert.Contains("no new stories for analyst@example.org's digest; skipped", service.Log);
        Assert.Empty(Directory.GetFiles(pickup, "*.tmp"));
        Assert.Equal(0, await service.StopAsync());
    }

    [Fact]
    public async Task Mail_is_optional_and_bad_mail_settings_are_named()
    {
        using var temp = new TempFolder();
        var data = temp.Sub("data");
        var off = await RunAsync(new Dictionary<string, string> { ["Aggregator__Sources__SubscriptionsFile"] = "/nonexistent/feeds.opml" }, data, "run-once");
        Assert.Equal(0, off.ExitCode);
        Assert.Contains("Mail is off", off.Stdout);

        async Task<string> ProblemAsync(params (string, string)[] settings)
        {
            var result = await RunAsync(await EnvAsync([("Aggregator__Mail__Smtp__Host", "127.0.0.1"), .. settings]), data, "mail", "list");
            Assert.Equal(2, result.ExitCode);
            return result.Stderr;
        }
        Assert.Contains("Aggregator:Mail:Recipients:0:DigestCron \"0 7 * *\" has 4 fields", await ProblemAsync(("Aggregator__Mail__Recipients__0__DigestCron", "0 7 * *")));
        Assert.Contains("Aggregator:Mail:Recipients:0:TimeZone must be an IANA time zone", await ProblemAsync(("Aggregator__Mail__Recipients__0__TimeZone", "Seoul")));
        Assert.Contains("Aggregator:Mail:Recipients:1:Mode must be one of alert, digest, both", await ProblemAsync(("Aggregator__Mail__Recipients__1__Mode", "sometimes")));
        Assert.Contains("Aggregator:Mail:Recipients:0:Tags names \"korea-japan\", which no topic defines", await ProblemAsync(("Aggregator__Mail__Recipients__0__Tags__0", "korea-japan")));
        // A topic's sub-tag is followed as its tag is (items carry it, its feed is published).
        var subtag = await RunAsync(await EnvAsync([("Aggregator__Mail__Smtp__Host", "127.0.0.1"), ("Aggregator__Mail__Recipients__0__Tags__0", "rok-china")]), data, "mail", "list");
        Assert.True(subtag.ExitCode == 0, subtag.Stderr);
        Assert.Contains("Aggregator:Mail:Smtp:Security must be one of none, starttls, tls", await ProblemAsync(("Aggregator__Mail__Smtp__Security", "ssl")));
        Assert.Contains("Aggregator__Mail__Smtp__Password_FILE names \"/nonexistent/secret\"", await ProblemAsync(("Aggregator__Mail__Smtp__Password_FILE", "/nonexistent/secret")));

        // The password may not sit in the config file.
        var config = temp.Sub("config");
        File.Copy(Path.Combine(RepoPaths.Config, "topics.json"), Path.Combine(config, "topics.json"));
        File.WriteAllText(Path.Combine(config, "aggregator.json"), """{ "Aggregator": { "Mail": { "Smtp": { "User": "u", "Password": "hunter2" } } } }""");
        var leaked = await Processes.AggregatorAsync(RepoPaths.Root, await EnvAsync(), "mail", "list", "--config", config, "--data", data);
        Assert.Equal(2, leaked.ExitCode);
        Assert.Contains($"Aggregator:Mail:Smtp:Password must not be written in {Path.Combine(config, "aggregator.json")}", leaked.Stderr);
    }
}

public sealed class MailCliTestsOnSqlite() : MailCliTests(Backend.Sqlite);

public sealed class MailCliTestsOnPostgres() : MailCliTests(Backend.Postgres);
