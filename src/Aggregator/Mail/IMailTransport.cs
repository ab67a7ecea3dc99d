using MimeKit;

namespace Aggregator.Mail;

/// <summary>Hands a message over for delivery. Two implementations: SMTP (production) and a
/// pickup folder of .eml files (development, and a look at exactly what would be sent).
/// One instance serves one delivery run, so SMTP sends a batch over one connection.</summary>
public interface IMailTransport : IAsyncDisposable
{
    /// <summary>Returns once the message is accepted; throws MailDeliveryException otherwise.</summary>
    Task SendAsync(MimeMessage message, CancellationToken ct);

    /// <summary>Where messages go, for logs and `mail list`.</summary>
    string Describe();
}

/// <summary>A delivery that did not happen. Transient: try again later (connection refused,
/// timeout, 4xx). Permanent: the server refused this message for good (5xx); retrying would not help.</summary>
public sealed class MailDeliveryException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}
