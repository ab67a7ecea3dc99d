using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Aggregator.Publishing;
using Aggregator.Storage;
using MimeKit;
using MimeKit.Utils;

namespace Aggregator.Mail;

/// <summary>Turns the stories of an alert or a digest into a message: multipart/alternative
/// with a plain text part and an HTML part. Every piece of source text goes through
/// EntryText.Line (one line, no control characters) and is HTML-encoded where it meets HTML,
/// so a title can neither inject a header nor markup. The HTML uses inline styles only: mail
/// clients drop style sheets.</summary>
public static class MessageComposer
{
    public static MimeMessage Compose(MailIdentity identity, MailContent content, string? unsubscribeUrl)
    {
        var message = new MimeMessage();
        message.From.Add(identity.From);
        if (identity.ReplyTo is not null) message.ReplyTo.Add(identity.ReplyTo);
        message.To.Add(MailboxAddress.Parse(content.Recipient.Address));
        message.Subject = Subject(content);
        message.Date = new DateTimeOffset(content.Created, TimeSpan.Zero);
        message.MessageId = MessageId(identity, content);
        message.Headers.Add(HeaderId.ListId, $"{Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, EntryText.Line(identity.ListTitle)))} <{content.KindName}s.{identity.Domain}>");
        var mailto = $"mailto:{(identity.ReplyTo ?? identity.From).Address}?subject={Uri.EscapeDataString("unsubscribe " + content.Recipient.Address)}";
        message.Headers.Add(HeaderId.ListUnsubscribe, unsubscribeUrl is null ? $"<{mailto}>" : $"<{unsubscribeUrl}>, <{mailto}>");
        if (unsubscribeUrl is not null)
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"); // RFC 8058
        message.Headers.Add("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to it

        var text = new TextPart("plain") { Text = MailText.Render(identity, content, unsubscribeUrl ?? mailto) };
        var html = new TextPart("html") { Text = MailHtml.Render(identity, content, unsubscribeUrl ?? mailto) };
        foreach (var part in new[] { text, html })
        {
            part.ContentType.Charset = "utf-8";
            // Quoted-printable keeps mostly-Latin text readable in the raw message; CJK text is
            // nearly all 8-bit, and base64 is a third shorter for it.
            part.ContentTransferEncoding = part.Text.Count(c => c >= 128) * 5 > part.Text.Length ? ContentEncoding.Base64 : ContentEncoding.QuotedPrintable;
        }
        message.Body = new MultipartAlternative { text, html };
        return message;
    }

    /// <summary>Where the stories beyond a capped message are: the river page of the followed tag
    /// (all stories when several are followed) from the start of the period, newest first, so
    /// the reader pages down to the rest. Null without Publishing:BaseUrl.</summary>
    public static string? MoreUrl(MailIdentity identity, MailContent content)
    {
        if (identity.BaseUrl is null) return null;
        var page = content.Recipient.Tags is [var tag] ? new Uri(identity.BaseUrl, "tags/" + Uri.EscapeDataString(tag)).AbsoluteUri : identity.BaseUrl.AbsoluteUri;
        return page + "?since=" + Uri.EscapeDataString(content.From.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    public static string Subject(MailContent content)
    {
        var n = content.Stories.Count + content.More;
        if (content.Kind == MailKind.Alert)
        {
            var first = EntryText.Cut(EntryText.Title(content.Stories[0]), 90);
            return n == 1 ? $"New story: {first}" : $"{n} new stories: {first} and {n - 1} more";
        }
        var zone = content.Recipient.TimeZone;
        return $"Digest: {n} {(n == 1 ? "story" : "stories")}, {Local(content.From, zone)} to {Local(content.Until, zone)} ({Offset(zone, content.Until)})";
    }

    /// <summary>The same recipient and content give the same id, so a resend after a crash is
    /// recognisable as the same message (and the outbox refuses to queue it twice).</summary>
    public static string MessageId(MailIdentity identity, MailContent content)
    {
        var key = string.Join('\n', [content.Recipient.Address.ToLowerInvariant(), content.KindName,
            content.Kind == MailKind.Digest ? content.Until.ToString("O", CultureInfo.InvariantCulture) : "",
            // The entry id too: a story rewritten into another gets a new one, and its alert must
            // not share the first alert's Message-ID (the outbox keeps one message per id).
            .. content.Stories.Select(s => s.Id.ToString(CultureInfo.InvariantCulture) + " " + s.EntryId).Order(StringComparer.Ordinal)]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
        return $"{content.KindName}.{hash}@{identity.Domain}";
    }

    /// <summary>Stories grouped under the first followed tag each carries (one entry per story),
    /// groups in the recipient's order, stories newest first within each.</summary>
    public static IReadOnlyList<(string Tag, IReadOnlyList<StoredItem> Stories)> ByTag(MailContent content) =>
        content.Recipient.Tags
            .Select(tag => (tag, (IReadOnlyList<StoredItem>)content.Stories.Where(s => content.FollowedTags(s) is [var first, ..] && first == tag).ToList()))
            .Where(g => g.Item2.Count > 0)
            .ToList();

    public static string Local(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Offset(TimeZoneInfo zone, DateTime utc)
    {
        var offset = zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>When the story happened as the source says, else when it arrived.</summary>
    public static DateTime When(StoredItem story) => story.PublishedAt ?? story.FirstSeenAt;

    /// <summary>Who carried the story: its own sources, then the other copies' reporters.</summary>
    public static IReadOnlyList<(string Name, string? Url)> Reporters(StoredItem story) =>
        [(EntryText.Line(story.Outlet ?? (EntryText.Sources(story) is [var source, ..] ? source : "")), EntryText.SafeUrl(story.Url)),
         .. EntryText.AlsoReportedBy(story).Select(c => (EntryText.Line(c.Name), EntryText.SafeUrl(c.Url)))];
}
