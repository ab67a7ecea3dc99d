using Aggregator.Configuration;
using Aggregator.Processing.Tagging;
using Microsoft.Extensions.Options;

namespace Aggregator.Mail;

/// <summary>What the service and run-once check and say about mail before they start.</summary>
public static class MailStartup
{
    /// <summary>Throws InvalidDataException (reported as a configuration error) when a recipient
    /// follows a tag no topic defines: a typo would otherwise mean mail that never comes.</summary>
    public static void CheckRecipients(IServiceProvider services)
    {
        var planner = services.GetRequiredService<MailPlanner>();
        // A topic's sub-tags (rok-china, dprk-china) are tags items carry, as the topic's own is.
        var known = services.GetRequiredService<TopicCatalog>().KnownTags.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < planner.Recipients.Count; i++)
            foreach (var tag in planner.Recipients[i].Tags.Where(t => !known.Contains(t)))
                throw new InvalidDataException($"{AggregatorOptions.SectionName}:Mail:Recipients:{i}:Tags names \"{tag}\", which no topic defines (topics: {string.Join(", ", known.Order())}).");
    }

    /// <summary>Registers the recipients, so alerts count from now. Returns what to tell the operator.</summary>
    public static async Task<string> PrepareAsync(IServiceProvider services, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Mail;
        var planner = services.GetRequiredService<MailPlanner>();
        if (!options.Enabled)
            return "Mail is off: set Aggregator:Mail:Smtp:Host (or Aggregator:Mail:PickupDirectory) to send alerts and digests.";
        await planner.RegisterRecipientsAsync(ct);
        await using var transport = services.GetRequiredService<MailDelivery>().CreateTransport();
        var to = transport.Describe();
        // Those who unsubscribed (the link in every message) get nothing: counted apart, not as recipients.
        var unsubscribed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var recipient in planner.Recipients)
            if (await planner.UnsubscribedAtAsync(recipient.Address, ct) is not null) unsubscribed.Add(recipient.Address);
        var active = planner.Recipients.Where(r => !unsubscribed.Contains(r.Address)).ToList();
        return $"Mail is on: {Count(active.Count(r => r.Alerts), "alert recipient")} and {Count(active.Count(r => r.Digests), "digest recipient")}"
            + (unsubscribed.Count > 0 ? $" ({unsubscribed.Count} more unsubscribed)" : "") + $", through {to}.";
    }

    private static string Count(int n, string what) => $"{n} {what}{(n == 1 ? "" : "s")}";
}
