using Aggregator.Mail;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Every Mail:TickSeconds: queue alerts for new stories whose recipients' windows have
/// passed, then send whatever in the outbox is due (new messages, retries, claims run out).</summary>
[DisallowConcurrentExecution]
public sealed class SendMailJob(MailPlanner planner, MailDelivery delivery, ILogger<SendMailJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobRun.GuardAsync("mail", "Queueing and sending mail", "alerts are queued and the outbox sent at the next mail tick", logger, async ct =>
        {
            await planner.QueueAlertsAsync(ct);
            await delivery.DeliverDueAsync(ct);
        }, cancellationToken);
}
