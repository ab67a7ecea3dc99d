using Aggregator.Storage;

namespace Aggregator.Mail;

public enum MailKind { Alert, Digest }

/// <summary>What one message says: the stories (newest first, each with its copies and the
/// tags of all of them) and the period it covers. Everything the composer needs.</summary>
public sealed record MailContent(MailKind Kind, Recipient Recipient, IReadOnlyList<StoredItem> Stories, DateTime From, DateTime Until, DateTime Created)
{
    /// <summary>Stories in the period beyond those listed (a digest is capped).</summary>
    public int More { get; init; }

    public string KindName => Kind == MailKind.Alert ? "alert" : "digest";

    /// <summary>The recipient's followed tags that a story carries, in the recipient's order.</summary>
    public IReadOnlyList<string> FollowedTags(StoredItem story) =>
        Recipient.Tags.Where(t => story.Tags.Any(s => s.Tag == t)).ToList();
}
