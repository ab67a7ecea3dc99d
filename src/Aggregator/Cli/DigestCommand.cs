using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Aggregator.Cli;

/// <summary>digest preview | send --to ADDRESS: one recipient's digest now, outside its schedule.</summary>
public static class DigestCommand
{
    private static readonly Option<string> To = new("--to") { Description = "A configured recipient's address", Required = true };

    public static Command Create() => new("digest", "A recipient's digest of the stories since their previous one.")
    {
        Preview(), Send(),
    };

    private static Command Preview()
    {
        var output = new Option<string?>("--out") { Description = "Where to write the .eml (default: digest-ADDRESS.eml in the current folder)" };
        var command = new Command("preview", "Write the digest the recipient would get now as an .eml file and print its text part. Nothing is sent or recorded.") { To, output };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            if (Recipient(services, result) is not { } recipient) return 2;
            var digest = await services.GetRequiredService<MailPlanner>().DigestAsync(recipient, queue: false, ct);
            if (digest is null)
            {
                Console.WriteLine($"No new stories for {recipient.Address} since their previous digest: the digest would be skipped.");
                return 0;
            }
            var path = Path.GetFullPath(result.GetValue(output) ?? $"digest-{recipient.Address}.eml");
            await using (var file = File.Create(path))
                await digest.Message.WriteToAsync(file, ct);
            Console.WriteLine(digest.Message.TextBody);
            Console.Error.WriteLine($"wrote {path}");
            return 0;
        }, ct, existing: true));
        return command;
    }

    private static Command Send()
    {
        var command = new Command("send", "Queue the recipient's digest now and send it; the next scheduled one starts from here.") { To };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            if (Recipient(services, result) is not { } recipient) return 2;
            if (!services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Mail.Enabled)
            {
                await Console.Error.WriteLineAsync("digest send: mail is off: set Aggregator:Mail:Smtp:Host or Aggregator:Mail:PickupDirectory");
                return 2;
            }
            if (await services.GetRequiredService<MailPlanner>().UnsubscribedAtAsync(recipient.Address, ct) is { } unsubscribed)
            {
                await Console.Error.WriteLineAsync($"digest send: {recipient.Address} unsubscribed on {unsubscribed:yyyy-MM-dd HH:mm}Z: nothing sent (`aggregator mail resubscribe {recipient.Address}` mails them again).");
                return 1;
            }
            var digest = await services.GetRequiredService<MailPlanner>().DigestAsync(recipient, queue: true, ct);
            if (digest is null)
            {
                Console.WriteLine($"No new stories for {recipient.Address} since their previous digest: nothing sent.");
                return 0;
            }
            await services.GetRequiredService<MailDelivery>().DeliverDueAsync(ct);
            var sent = (await services.GetRequiredService<Outbox>().FindAsync(digest.Message.MessageId!, ct))!;
            Console.WriteLine($"{digest.Message.Subject} → {recipient.Address}: {sent.State}{(sent.LastError is null ? "" : " — " + sent.LastError)}");
            return sent.State == "sent" ? 0 : 1;
        }, ct, existing: true));
        return command;
    }

    private static Recipient? Recipient(IServiceProvider services, ParseResult result)
    {
        var address = result.GetValue(To)!;
        var found = services.GetRequiredService<MailPlanner>().Find(address);
        if (found is null)
            Console.Error.WriteLine($"digest: {address} is not a configured recipient (Aggregator:Mail:Recipients)");
        return found;
    }
}
