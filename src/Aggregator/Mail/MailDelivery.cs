using Aggregator.Configuration;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Aggregator.Mail;

/// <summary>Sends what is due in the outbox: claim, send, mark. A message is marked sent only
/// after the server accepted it; a crash between the two (the one window no outbox can close
/// without the server's help) sends that message again when the claim runs out, with the same
/// Message-ID, so clients and the recipient can recognise the copy.</summary>
public sealed class MailDelivery(Outbox outbox, TimeProvider time, IOptions<AggregatorOptions> options, ILogger<MailDelivery> logger)
{
    private const int Batch = 50;
    private MailOptions Options => options.Value.Mail;

    public IMailTransport CreateTransport() =>
        !string.IsNullOrWhiteSpace(Options.PickupDirectory) ? new PickupDirectoryTransport(Options.PickupDirectory)
        : new SmtpTransport(Options.Smtp);

    public sealed record Outcome(int Sent, int Retrying, int Failed);

    /// <summary>Delivers every message that is due (or just <paramref name="onlyId"/>).</summary>
    public async Task<Outcome> DeliverDueAsync(CancellationToken ct, long? onlyId = null)
    {
        if (!Options.Enabled) return new Outcome(0, 0, 0);
        int sent = 0, retrying = 0, failed = 0;
        while (!ct.IsCancellationRequested)
        {
            var claimed = await outbox.ClaimAsync(Batch, ct, onlyId);
            if (claimed.Count == 0) break;
            await using var transport = CreateTransport();
            MailDeliveryException? serverDown = null;
            for (var k = 0; k < claimed.Count; k++)
            {
                var message = claimed[k];
                Status status;
                MailDeliveryException? error;
                try
                {
                    // With no server to talk to, the rest of the batch shares the first one's failure
                    // (and its attempt counts) instead of each waiting for its own connection timeout.
                    (status, error) = serverDown is null ? await SendOneAsync(transport, message, ct) : await HandleTransientAsync(message, serverDown);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Shutdown: the message in hand and the rest were not sent and go back as they were.
                    foreach (var rest in claimed.Skip(k))
                        await outbox.RequeueAsync(rest.Id, null, time.GetUtcNow().UtcDateTime, countAttempt: false);
                    throw;
                }
                switch (status)
                {
                    case Status.Sent: sent++; break;
                    case Status.Failed: failed++; break;
                    default: retrying++; break;
                }
                if (error is not null && error.InnerException is not MailKit.Net.Smtp.SmtpCommandException) serverDown = error;
            }
            var connectionDown = serverDown is not null;
            if (connectionDown || claimed.Count < Batch) break;
        }
        if (sent + retrying + failed > 0)
            logger.LogInformation("Mail: {Sent} sent, {Retrying} to retry, {Failed} failed", sent, retrying, failed);
        return new Outcome(sent, retrying, failed);
    }

    private enum Status { Sent, Retrying, Failed }

    private async Task<(Status, MailDeliveryException?)> SendOneAsync(IMailTransport transport, OutboxMessage message, CancellationToken ct)
    {
        MimeMessage mime;
        using (var stream = new MemoryStream(message.Mime))
            mime = await MimeMessage.LoadAsync(stream, CancellationToken.None);
        try
        {
            await transport.SendAsync(mime, ct);
        }
        catch (MailDeliveryException e) when (!e.Transient)
        {
            logger.LogWarning("Mail {Id} to {Recipient} failed for good: {Reason}", message.Id, message.Recipient, e.Message);
            await outbox.MarkFailedAsync(message.Id, e.Message);
            Operations.Telemetry.Emailed("failed", message.Kind);
            return (Status.Failed, null);
        }
        catch (MailDeliveryException e)
        {
            return await HandleTransientAsync(message, e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever else the transport throws, the message goes back to the queue with the
            // reason for `mail list`, never left claimed as "sending" with none.
            return await HandleTransientAsync(message, new MailDeliveryException($"{transport.Describe()}: {e.GetType().Name}: {e.Message.Trim()}", transient: true, e));
        }
        await outbox.MarkSentAsync(message.Id);
        Operations.Telemetry.Emailed("sent", message.Kind);
        return (Status.Sent, null);
    }

    private async Task<(Status, MailDeliveryException?)> HandleTransientAsync(OutboxMessage message, MailDeliveryException e)
    {
        if (message.Attempts >= Options.MaxAttempts)
        {
            var reason = $"gave up after {message.Attempts} attempts: {e.Message}";
            logger.LogWarning("Mail {Id} to {Recipient} failed: {Reason}", message.Id, message.Recipient, reason);
            await outbox.MarkFailedAsync(message.Id, reason);
            Operations.Telemetry.Emailed("failed", message.Kind);
            return (Status.Failed, null);
        }
        var next = time.GetUtcNow().UtcDateTime + Backoff(message.Attempts);
        logger.LogWarning("Mail {Id} to {Recipient} not sent (attempt {Attempt}), retrying at {Next:u}: {Reason}",
            message.Id, message.Recipient, message.Attempts, next, e.Message);
        await outbox.RequeueAsync(message.Id, e.Message, next);
        Operations.Telemetry.Emailed("retried", message.Kind);
        return (Status.Retrying, e);
    }

    /// <summary>Base × 2^(attempt−1), capped, with ±20 % jitter so a queue that failed together
    /// does not come back together.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(Options.RetryMaxSeconds, Options.RetryBaseSeconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromSeconds(seconds * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }
}
