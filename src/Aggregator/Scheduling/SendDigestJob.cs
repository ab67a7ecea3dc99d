using Aggregator.Mail;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Fired by one recipient's cron trigger (in their time zone): queue their digest and
/// send it. The recipient is the trigger's "recipient" data.</summary>
public sealed class SendDigestJob(MailPlanner planner, MailDelivery delivery, ILogger<SendDigestJob> logger) : IJob
{
    public const string RecipientKey = "recipient";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var address = context.MergedJobDataMap.GetString(RecipientKey) ?? "";
        if (planner.Find(address) is not { } recipient)
        {
            // The clustered store keeps triggers across restarts: one for a recipient taken out
            // of the configuration goes when it first fires.
            logger.LogWarning("Digest trigger for {Recipient}, who is no longer configured: removed", address);
            await context.Scheduler.UnscheduleJob(context.Trigger.Key, cancellationToken);
            return;
        }
        // A digest that could not be queued is not lost: the next one covers the stories since the
        // recipient's previous digest, this period's too.
        await JobRun.GuardAsync("digest", $"The digest for {address}", "its stories go into the next digest", logger, async ct =>
        {
            if (await planner.DigestAsync(recipient, queue: true, ct) is not null)
                await delivery.DeliverDueAsync(ct);
        }, cancellationToken);
    }
}
