using System.CommandLine;
using System.Text.Json;
using Aggregator.Configuration;
using Aggregator.Mail;
using Microsoft.Extensions.Options;

namespace Aggregator.Cli;

/// <summary>mail list | retry | send | unsubscribe | resubscribe: the outbox as operators see it.</summary>
public static class MailCommand
{
    public static Command Create() => new("mail", "The mail outbox: what is queued, sent and failed, and why.")
    {
        List(), Retry(), Send(), Unsubscribe(), Resubscribe(),
    };

    private static Command List()
    {
        var state = new Option<string?>("--state") { Description = "Only messages in this state: queued, sending, sent, failed or withdrawn" };
        state.AcceptOnlyFromAmong("queued", "sending", "sent", "failed", "withdrawn"); // a misspelling listed nothing, as an empty outbox
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first", DefaultValueFactory = _ => 100 };
        limit.Between(1, int.MaxValue);
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("list", "Messages in the outbox, newest first: queued (with the next attempt), sent, failed (with the server's reply), withdrawn (it carried a story since removed).") { state, limit, json };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var messages = await services.GetRequiredService<Outbox>().ListAsync(result.GetValue(state), result.GetValue(limit), ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(messages.Select(m => new
                {
                    m.Id,
                    m.MessageId,
                    m.Recipient,
                    m.Kind,
                    m.Subject,
                    m.StoryCount,
                    m.State,
                    m.Attempts,
                    m.NextAttemptAt,
                    m.LastError,
                    m.CreatedAt,
                    m.SentAt,
                }), CliJson.Options));
                return 0;
            }
            if (!services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Mail.Enabled)
                Console.WriteLine("(mail is off: nothing is sent until Aggregator:Mail:Smtp:Host or Aggregator:Mail:PickupDirectory is set)");
            if (messages.Count == 0) Console.WriteLine("The outbox is empty.");
            foreach (var m in messages)
            {
                var when = m.State switch
                {
                    "sent" => $"sent {When(m.SentAt)}",
                    "queued" => $"next attempt {When(m.NextAttemptAt)}",
                    "sending" => "being sent",
                    "withdrawn" => "withdrawn",
                    _ => $"after {m.Attempts} attempt(s)",
                };
                Console.WriteLine($"{m.Id,5}  {m.State.ToUpperInvariant(),-9}  {m.Kind,-6}  {m.Recipient}  {m.StoryCount} stor{(m.StoryCount == 1 ? "y" : "ies")}  queued {When(m.CreatedAt)}, {when}");
                Console.WriteLine($"       {m.Subject}");
                if (m.LastError is not null && m.State != "sent") Console.WriteLine(m.State == "withdrawn" ? $"       {m.LastError}" : $"       {(m.State == "failed" ? "failed" : "last error")}: {m.LastError}");
            }
            return 0;
        }, ct, existing: true));
        return command;
    }

    private static Command Retry()
    {
        var id = new Argument<long>("ID") { Description = "The message's number in `mail list`" };
        var command = new Command("retry", "Send a failed (or waiting) message again now, with a fresh count of attempts.") { id };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var outbox = services.GetRequiredService<Outbox>();
            var number = result.GetValue(id);
            if (!await outbox.RetryAsync(number, ct))
            {
                var message = await outbox.GetAsync(number, ct);
                await Console.Error.WriteLineAsync(message is null ? $"mail retry: there is no message {number}" : $"mail retry: message {number} is {message.State}, not failed or queued{(message.State == "withdrawn" ? " (it carried a removed story; its other stories were alerted again)" : "")}");
                return 1;
            }
            if (!services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Mail.Enabled)
            {
                Console.WriteLine($"message {number} queued again; mail is off, so it waits until mail is configured");
                return 0;
            }
            await services.GetRequiredService<MailDelivery>().DeliverDueAsync(ct, onlyId: number);
            var after = await outbox.GetAsync(number, ct);
            Console.WriteLine($"message {number}: {after!.State}{(after.State == "sent" ? "" : " — " + after.LastError)}");
            return after.State == "sent" ? 0 : 1;
        }, ct, existing: true));
        return command;
    }

    private static Command Send()
    {
        var command = new Command("send", "Queue due alerts and send everything due in the outbox now, then exit.");
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            if (!services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Mail.Enabled)
            {
                await Console.Error.WriteLineAsync("mail send: mail is off: set Aggregator:Mail:Smtp:Host or Aggregator:Mail:PickupDirectory");
                return 2;
            }
            await MailStartup.PrepareAsync(services, ct);
            var alerts = await services.GetRequiredService<MailPlanner>().QueueAlertsAsync(ct);
            var outcome = await services.GetRequiredService<MailDelivery>().DeliverDueAsync(ct);
            Console.WriteLine($"{alerts} alert(s) queued; {outcome.Sent} sent, {outcome.Retrying} to retry, {outcome.Failed} failed");
            return outcome.Failed + outcome.Retrying > 0 ? 1 : 0;
        }, ct));
        return command;
    }

    /// <summary>Without Publishing:BaseUrl the unsubscribe link is a mailto to the sender (or
    /// ReplyTo): whoever reads that mailbox acts on the requests with this.</summary>
    private static Command Unsubscribe()
    {
        var address = new Argument<string>("ADDRESS") { Description = "A recipient who asked to receive no more mail" };
        var command = new Command("unsubscribe", "Stop all mail to an address, as its unsubscribe link does (for requests that came by mail).") { address };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var asked = result.GetValue(address)!.Trim();
            var planner = services.GetRequiredService<MailPlanner>();
            if (planner.Find(asked) is null)
            {
                // A misspelled address said "unsubscribed", and the real recipient went on getting mail.
                await Console.Error.WriteLineAsync($"{asked} is not a configured recipient (Aggregator:Mail:Recipients: {string.Join(", ", planner.Recipients.Select(r => r.Address))}); nothing was changed");
                return 1;
            }
            var done = await services.GetRequiredService<UnsubscribeLinks>().UnsubscribeAsync(asked, ct);
            Console.WriteLine(done ? "unsubscribed: no more mail to that address (`mail resubscribe` undoes it)" : "that address is unsubscribed already");
            return done ? 0 : 1;
        }, ct, existing: true));
        return command;
    }

    private static Command Resubscribe()
    {
        var address = new Argument<string>("ADDRESS") { Description = "An address that used its unsubscribe link" };
        var command = new Command("resubscribe", "Undo an unsubscription (alerts start again from now).") { address };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var done = await services.GetRequiredService<UnsubscribeLinks>().ResubscribeAsync(result.GetValue(address)!.Trim(), ct);
            Console.WriteLine(done ? "resubscribed" : "that address is not unsubscribed");
            return done ? 0 : 1;
        }, ct, existing: true));
        return command;
    }

    private static string When(DateTime? t) => t is { } v ? v.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) : "never";
}
