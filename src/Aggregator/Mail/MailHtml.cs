using System.Text;
using Aggregator.Publishing;
using Aggregator.Storage;

namespace Aggregator.Mail;

/// <summary>The HTML part. Built from plain text, never from a source's HTML: every text is
/// encoded, every link is an absolute http(s) URL. Inline styles only (clients strip &lt;style&gt;),
/// one narrow column, system fonts, dark text on white that keeps its contrast when a client
/// inverts it.</summary>
public static class MailHtml
{
    private const string Body = "margin:0;padding:16px;background:#ffffff;color:#1a1a1a;font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK KR','Noto Sans CJK SC',sans-serif;font-size:15px;line-height:1.5";
    private const string Heading = "font-size:18px;margin:0 0 4px 0;color:#1a1a1a";
    private const string TagHeading = "font-size:15px;margin:20px 0 8px 0;padding-bottom:4px;border-bottom:1px solid #d0d0d0;color:#1a1a1a";
    private const string Story = "margin:0 0 14px 0";
    private const string Title = "font-size:16px;font-weight:bold;color:#0b4f8a;text-decoration:underline";
    private const string Meta = "font-size:13px;color:#4a4a4a;margin:2px 0";
    private const string Footer = "font-size:12px;color:#4a4a4a;margin-top:24px;border-top:1px solid #d0d0d0;padding-top:8px";
    private const string Link = "color:#0b4f8a";

    public static string Render(MailIdentity identity, MailContent content, string unsubscribe)
    {
        var zone = content.Recipient.TimeZone;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        sb.Append($"<title>{E(MessageComposer.Subject(content))}</title></head>");
        sb.Append($"<body style=\"{Body}\"><div style=\"max-width:640px;margin:0 auto\">");
        sb.Append($"<h1 style=\"{Heading}\">{E(MessageComposer.Subject(content))}</h1>");
        sb.Append($"<p style=\"{Meta}\">Times are {E(MessageComposer.Offset(zone, content.Until))} ({E(zone.Id)}).</p>");
        foreach (var (tag, stories) in MessageComposer.ByTag(content))
        {
            sb.Append($"<h2 style=\"{TagHeading}\">{E(tag)} ({stories.Count})</h2>");
            foreach (var story in stories) AppendStory(sb, content, story);
        }
        if (content.More > 0)
        {
            var more = $"…and {content.More} more {(content.Kind == MailKind.Alert ? "new stories" : "stories in this period")}";
            sb.Append(MessageComposer.MoreUrl(identity, content) is { } url
                ? $"<p style=\"{Meta}\"><a style=\"{Link}\" href=\"{E(url)}\">{E(more)}</a>.</p>"
                : $"<p style=\"{Meta}\">{E(more)}.</p>");
        }
        sb.Append($"<p style=\"{Footer}\">{E(EntryText.Line(identity.ListTitle))}: you follow {E(string.Join(", ", content.Recipient.Tags))}.");
        if (identity.BaseUrl is not null) sb.Append($" <a style=\"{Link}\" href=\"{E(identity.BaseUrl.AbsoluteUri)}\">All stories</a> ·");
        sb.Append($" <a style=\"{Link}\" href=\"{E(unsubscribe)}\">Unsubscribe</a></p>");
        sb.Append("</div></body></html>");
        return sb.ToString();
    }

    private static void AppendStory(StringBuilder sb, MailContent content, StoredItem story)
    {
        var title = E(EntryText.Title(story));
        // The story's own language and direction on its title and summary (the message around them is English).
        var lang = EntryText.TextAttributes(story.Language);
        sb.Append($"<div style=\"{Story}\">");
        sb.Append(EntryText.SafeUrl(story.Url) is { } url ? $"<a{lang} style=\"{Title}\" href=\"{E(url)}\">{title}</a>" : $"<span{lang} style=\"{Title};text-decoration:none;color:#1a1a1a\">{title}</span>");
        sb.Append($"<p style=\"{Meta}\">{E(MessageComposer.Local(MessageComposer.When(story), content.Recipient.TimeZone))} · {E(story.Language)} · ");
        // Each outlet's name isolated (dir="auto" on its own span, which mail clients keep where they
        // drop <bdi>): an Arabic or Hebrew name would otherwise pull the comma and the next name into its run.
        sb.Append(string.Join(", ", MessageComposer.Reporters(story).Select(r => r.Url is null
            ? $"<span dir=\"auto\">{E(r.Name)}</span>"
            : $"<a dir=\"auto\" style=\"{Link}\" href=\"{E(r.Url)}\">{E(r.Name)}</a>")));
        sb.Append("</p>");
        foreach (var tagged in story.Tags.Where(t => content.Recipient.Tags.Contains(t.Tag)))
            sb.Append($"<p style=\"{Meta}\">Tagged {E(tagged.Tag)}: <span dir=\"auto\">{E(EntryText.Line(tagged.Explanation))}</span></p>");
        sb.Append($"<p{lang} style=\"margin:4px 0 0 0\">{(story.TextFrom is { } from ? $"Text from {E(from)}: " : "")}{E(EntryText.Line(EntryText.Summary(story.Body, 240)))}</p>");
        sb.Append("</div>");
    }

    private static string E(string text) => EntryText.Encode(text);
}
