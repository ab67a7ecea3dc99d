using Aggregator.Configuration;
using MimeKit;

namespace Aggregator.Mail;

/// <summary>Who the mail comes from and what list it belongs to: the same for every message.</summary>
public sealed record MailIdentity(MailboxAddress From, MailboxAddress? ReplyTo, string ListTitle, Uri? BaseUrl)
{
    /// <summary>The right-hand side of Message-IDs and List-Ids: the sender's domain.</summary>
    public string Domain => From.Domain is { Length: > 0 } d ? d : "aggregator.localhost";

    public static MailIdentity Of(AggregatorOptions options) => new(
        MailboxAddress.Parse(options.Mail.From),
        string.IsNullOrWhiteSpace(options.Mail.ReplyTo) ? null : MailboxAddress.Parse(options.Mail.ReplyTo),
        options.Publishing.Title,
        string.IsNullOrEmpty(options.Publishing.BaseUrl) ? null : new Uri(options.Publishing.BaseUrl.TrimEnd('/') + "/"));
}
