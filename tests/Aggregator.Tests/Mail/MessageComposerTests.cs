using System.Text;
using Aggregator.Configuration;
using Aggregator.Mail;
using Aggregator.Storage;
using MimeKit;

namespace Aggregator.Tests.Mail;

/// <summary>The wire format of alerts and digests, checked on the bytes a server would receive.</summary>
public sealed class MessageComposerTests
{
    private static readonly MailIdentity Identity = new(MailboxAddress.Parse("Korea–China monitor <monitor@example.org>"), null,
        "Korea–China monitor", new Uri("https://monitor.example/"));

    private static Recipient Analyst(string address = "analyst@example.org", params string[] tags)
    {
        var (recipients, problems) = Recipient.FromOptions(new MailOptions
        {
            Recipients = [new RecipientOptions { Address = address, Tags = tags.Length > 0 ? [.. tags] : ["korea-china"], Mode = "both", TimeZone = "Asia/Seoul" }],
        });
        Assert.Empty(problems);
        return recipients[0];
    }

    private static StoredItem Story(long id, string title, string tag = "korea-china", DateTime? published = null, string url = "https://news.example/a") => new()
    {
        Id = id,
        Title = title,
        Body = "첫 문단입니다. 中韩关系.\n\nSecond paragraph.",
        Url = url,
        Language = "ko",
        Outlet = "Yonhap",
        PublishedAt = published ?? new DateTime(2026, 11, 23, 1, 0, 0, DateTimeKind.Utc),
        FirstSeenAt = new DateTime(2026, 11, 23, 1, 5, 0, DateTimeKind.Utc),
        Tags = [new StoredTag { ItemId = id, Tag = tag, Reason = "china 3, korea 4; named together in 2 paragraph(s)" }],
        AlsoReportedBy = [new StoryCopy { StoryId = id, ItemId = id + 1000, Title = title, Url = "https://other.example/b", Outlet = "Xinhua" }],
    };

    private static readonly DateTime Now = new(2026, 11, 23, 2, 0, 0, DateTimeKind.Utc);

    private static (MimeMessage Parsed, string Raw) RoundTrip(MimeMessage message)
    {
        message.Prepare(EncodingConstraint.SevenBit);
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream); // as on the wire
        var bytes = stream.ToArray();
        Assert.All(bytes, b => Assert.True(b < 128, "the message is 7-bit clean"));
        stream.Position = 0;
        return (MimeMessage.Load(stream), Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void A_CJK_subject_is_RFC_2047_encoded_and_reads_back_unchanged()
    {
        var title = "한중 외교장관 회담… 中韩外长会晤 「日中韓」";
        var content = new MailContent(MailKind.Alert, Analyst(), [Story(1, title)], Now, Now, Now);
        var (parsed, raw) = RoundTrip(MessageComposer.Compose(Identity, content, "https://monitor.example/mail/unsubscribe?x=1"));

        var header = raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var subject = System.Text.RegularExpressions.Regex.Match(header, @"\r\nSubject:(.*?)\r\n(?![ \t])", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        Assert.Matches(@"^ New story:\s+=\?utf-8\?b\?", subject); // RFC 2047 encoded-words (and every byte ASCII, above)
        Assert.Equal("New story: " + title, parsed.Subject);
        Assert.Equal("monitor@example.org", parsed.From.Mailboxes.Single().Address);
        Assert.Equal("Korea–China monitor", parsed.From.Mailboxes.Single().Name);
        var text = parsed.BodyParts.OfType<TextPart>().Single(p => p.IsPlain);
        var html = parsed.BodyParts.OfType<TextPart>().Single(p => p.IsHtml);
        Assert.Equal("utf-8", text.ContentType.Charset);
        Assert.Equal("utf-8", html.ContentType.Charset);
        Assert.Contains(title, text.Text);
        Assert.Contains(title, html.Text);
        Assert.Contains($"<a lang=\"ko\" ", html.Text); // the story's language, for the glyphs of its Han characters
    }

    [Fact]
    public void Line_breaks_and_control_characters_in_a_title_cannot_inject_headers_or_markup()
    {
        var hostile = "Breaking\r\nBcc: victim@evil.example\r\n\r\n<script>alert(1)</script>\u0007<img src=x onerror=alert(2)>";
        var content = new MailContent(MailKind.Alert, Analyst(), [Story(1, hostile, url: "javascript:alert(3)")], Now, Now, Now);
        var (parsed, raw) = RoundTrip(MessageComposer.Compose(Identity, content, null));

        Assert.Empty(parsed.Bcc);
        Assert.DoesNotContain("\r\nBcc:", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["From", "Date", "Subject", "Message-Id", "To", "List-Id", "List-Unsubscribe", "Auto-Submitted", "MIME-Version"],
            parsed.Headers.Select(h => h.Field));
        Assert.DoesNotContain('\n', parsed.Subject!);
        Assert.DoesNotContain('\u0007', parsed.Subject!);
        Assert.DoesNotContain("<script", parsed.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", parsed.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", parsed.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", parsed.HtmlBody);
    }

    [Fact]
    public void Parts_headers_and_the_html_suit_mail_clients()
    {
        var content = new MailContent(MailKind.Alert, Analyst(), [Story(1, "Seoul and Beijing hold talks"), Story(2, "Xi to visit Seoul")], Now, Now, Now);
        var (parsed, _) = RoundTrip(MessageComposer.Compose(Identity, content, "https://monitor.example/mail/unsubscribe?address=a&token=t"));

        var alternative = Assert.IsType<MultipartAlternative>(parsed.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal("2 new stories: Seoul and Beijing hold talks and 1 more", parsed.Subject);
        Assert.Equal("<https://monitor.example/mail/unsubscribe?address=a&token=t>, <mailto:monitor@example.org?subject=unsubscribe%20analyst%40example.org>",
            parsed.Headers[HeaderId.ListUnsubscribe]!.Trim());
        Assert.Equal("List-Unsubscribe=One-Click", parsed.Headers["List-Unsubscribe-Post"]);
        Assert.EndsWith("<alerts.example.org>", parsed.Headers[HeaderId.ListId]);
        Assert.Equal(Now, parsed.Date.UtcDateTime);

        var html = parsed.HtmlBody;
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("class=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("style=\"", html);
        Assert.Contains("href=\"https://news.example/a\"", html);
        Assert.Contains(">Xinhua</a>", html); // the other copy, linked
        Assert.Contains("Tagged korea-china: china 3, korea 4", parsed.TextBody);
        Assert.Contains("Xinhua: https://other.example/b", parsed.TextBody);
    }

    /// <summary>A list title with a colon or a comma (specials in a header's phrase) reaches a
    /// mail client whole, quoted or inside an encoded word: bare, "Monitor: Korea, China
    /// <alerts.…>" would read as a group named "Monitor".</summary>
    [Theory]
    [InlineData("Monitor: Korea, China")]
    [InlineData("Korea–China: monitor")]
    [InlineData("Plain title")]
    public void The_list_id_keeps_a_title_with_specials_whole(string title)
    {
        var identity = Identity with { ListTitle = title };
        var content = new MailContent(MailKind.Alert, Analyst(), [Story(1, "Seoul and Beijing hold talks")], Now, Now, Now);
        var (parsed, _) = RoundTrip(MessageComposer.Compose(identity, content, null));
        var listId = System.Text.Encoding.ASCII.GetString(parsed.Headers.First(h => h.Id == HeaderId.ListId).RawValue).Trim();
        Assert.True(MimeKit.InternetAddressList.TryParse(listId.Replace("<alerts.example.org>", "<alerts@example.org>", StringComparison.Ordinal), out var parsedList), listId);
        Assert.Equal(title, Assert.IsType<MailboxAddress>(Assert.Single(parsedList)).Name);
    }

    [Fact]
    public void A_capped_alert_counts_the_stories_it_does_not_list()
    {
        var content = new MailContent(MailKind.Alert, Analyst(), [Story(1, "Listed one"), Story(2, "Listed two")], Now, Now, Now) { More = 10 };
        var (parsed, _) = RoundTrip(MessageComposer.Compose(Identity, content, null));
        Assert.Equal("12 new stories: Listed one and 11 more", parsed.Subject);
        // The rest are on the followed tag's page from the period's start, newest first.
        Assert.Contains($"…and 10 more new stories: https://monitor.example/tags/korea-china?since={Since}", parsed.TextBody);
        Assert.Contains($"href=\"https://monitor.example/tags/korea-china?since={Since}\">…and 10 more new stories</a>.", parsed.HtmlBody);
    }

    [Fact]
    public void A_capped_digest_of_several_tags_links_to_all_stories_of_its_period()
    {
        var content = new MailContent(MailKind.Digest, Analyst("analyst@example.org", "korea-china", "dprk-china"), [Story(1, "Listed one")], Now, Now, Now) { More = 250 };
        var (parsed, _) = RoundTrip(MessageComposer.Compose(Identity, content, null));
        Assert.Contains($"…and 250 more stories in this period: https://monitor.example/?since={Since}", parsed.TextBody);
        Assert.Contains($"href=\"https://monitor.example/?since={Since}\">", parsed.HtmlBody);
    }

    private static string Since => Uri.EscapeDataString(Now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void The_message_id_depends_on_recipient_and_content_only()
    {
        MailContent Content(Recipient r, DateTime created, params StoredItem[] stories) => new(MailKind.Alert, r, stories, created, created, created);
        var a = MessageComposer.MessageId(Identity, Content(Analyst(), Now, Story(1, "A"), Story(2, "B")));
        Assert.Equal(a, MessageComposer.MessageId(Identity, Content(Analyst(), Now.AddMinutes(5), Story(2, "B"), Story(1, "A changed title"))));
        Assert.NotEqual(a, MessageComposer.MessageId(Identity, Content(Analyst("editor@example.org"), Now, Story(1, "A"), Story(2, "B"))));
        Assert.NotEqual(a, MessageComposer.MessageId(Identity, Content(Analyst(), Now, Story(1, "A"))));
        Assert.EndsWith("@example.org", a);
    }

    [Fact]
    public void A_digest_groups_stories_by_followed_tag_newest_first_with_count_and_period_in_the_subject()
    {
        var recipient = Analyst("analyst@example.org", "korea-china", "dprk-china");
        var from = new DateTime(2026, 11, 21, 22, 0, 0, DateTimeKind.Utc);
        var until = new DateTime(2026, 11, 22, 22, 0, 0, DateTimeKind.Utc);
        StoredItem[] stories =
        [
            Story(3, "Newest, korea-china", published: until.AddHours(-1)),
            Story(2, "Middle, dprk-china", tag: "dprk-china", published: until.AddHours(-2)),
            Story(1, "Oldest, korea-china", published: until.AddHours(-3)),
        ];
        var content = new MailContent(MailKind.Digest, recipient, stories, from, until, until);
        var (parsed, _) = RoundTrip(MessageComposer.Compose(Identity, content, null));

        Assert.Equal("Digest: 3 stories, 2026-11-22 07:00 to 2026-11-23 07:00 (UTC+09:00)", parsed.Subject);
        var text = parsed.TextBody!;
        int At(string s) => text.IndexOf(s, StringComparison.Ordinal);
        Assert.True(At("== korea-china (2) ==") < At("1. Newest") && At("1. Newest") < At("2. Oldest")
            && At("2. Oldest") < At("== dprk-china (1) ==") && At("== dprk-china (1) ==") < At("3. Middle"), text);
        Assert.Single(text.Split('\n'), line => line.Contains("Newest, korea-china", StringComparison.Ordinal)); // one entry per story
        Assert.Contains("2026-11-23 06:00", text); // the newest story's time, in Seoul
        Assert.EndsWith("<digests.example.org>", parsed.Headers[HeaderId.ListId]);
    }
}
