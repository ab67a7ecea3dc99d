using Aggregator.Mail;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Every Mail:TickSeconds: queue alerts for new stories whose recipients' windows have
/// passed, then send whatever in the outbox is due (new messages, retries, claims run out).</summary>
[DisallowConcurrentExecution]
public sealed class SendMailJob(MailPlanner planner, MailDelivery delivery) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await planner.QueueAlertsAsync(cancellationToken);
        await delivery.DeliverDueAsync(cancellationToken);
    }
}
