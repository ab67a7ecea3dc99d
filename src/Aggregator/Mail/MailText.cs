using System.Text;
using Aggregator.Publishing;
using Aggregator.Storage;

namespace Aggregator.Mail;

/// <summary>The plain text part: what a terminal mail reader shows, and what `digest preview` prints.</summary>
public static class MailText
{
    public static string Render(MailIdentity identity, MailContent content, string unsubscribe)
    {
        var zone = content.Recipient.TimeZone;
        var sb = new StringBuilder();
        sb.AppendLine(MessageComposer.Subject(content));
        sb.AppendLine($"Times are {MessageComposer.Offset(zone, content.Until)} ({zone.Id}).");
        var number = 0;
        foreach (var (tag, stories) in MessageComposer.ByTag(content))
        {
            sb.AppendLine().AppendLine($"== {tag} ({stories.Count}) ==");
            foreach (var story in stories)
            {
                sb.AppendLine().AppendLine($"{++number}. {EntryText.Title(story)}");
                sb.AppendLine($"   {MessageComposer.Local(MessageComposer.When(story), zone)} · {story.Language}");
                var reporters = MessageComposer.Reporters(story);
                sb.AppendLine($"   Reported by: {string.Join(", ", reporters.Select(r => r.Name))}");
                foreach (var tagged in story.Tags.Where(t => content.Recipient.Tags.Contains(t.Tag)))
                    sb.AppendLine($"   Tagged {tagged.Tag}: {EntryText.Line(tagged.Explanation)}");
                if (EntryText.SafeUrl(story.Url) is { } url) sb.AppendLine($"   {url}");
                foreach (var (name, copyUrl) in reporters.Skip(1).Where(r => r.Url is not null))
                    sb.AppendLine($"   {name}: {copyUrl}");
            }
        }
        if (content.More > 0)
            sb.AppendLine().AppendLine($"…and {content.More} more {(content.Kind == MailKind.Alert ? "new stories" : "stories in this period")}{(MessageComposer.MoreUrl(identity, content) is { } more ? ": " + more : "")}");
        sb.AppendLine().AppendLine("-- ");
        sb.AppendLine($"{EntryText.Line(identity.ListTitle)}: you follow {string.Join(", ", content.Recipient.Tags)}.");
        if (identity.BaseUrl is not null) sb.AppendLine($"All stories: {identity.BaseUrl.AbsoluteUri}");
        sb.AppendLine($"Unsubscribe: {unsubscribe}");
        return sb.ToString();
    }
}
