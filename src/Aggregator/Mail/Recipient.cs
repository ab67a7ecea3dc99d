using Aggregator.Configuration;
using MimeKit;
using Quartz;

namespace Aggregator.Mail;

/// <summary>One configured recipient, checked: what they follow and how they want it.</summary>
public sealed record Recipient(string Address, IReadOnlyList<string> Tags, bool Alerts, bool Digests, CronExpression DigestSchedule, TimeZoneInfo TimeZone)
{
    public static readonly string[] Modes = ["alert", "digest", "both"];

    /// <summary>The recipients of the configuration; the problems name the key of each bad value.</summary>
    public static (IReadOnlyList<Recipient> Recipients, IReadOnlyList<string> Problems) FromOptions(MailOptions options)
    {
        var recipients = new List<Recipient>();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Recipients.Count; i++)
        {
            var r = options.Recipients[i];
            var key = $"{AggregatorOptions.SectionName}:Mail:Recipients:{i}";
            var before = problems.Count;
            if (!MailboxAddress.TryParse(r.Address, out var mailbox) || !mailbox.Address.Contains('@', StringComparison.Ordinal))
                problems.Add($"{key}:Address must be an email address (was \"{r.Address}\").");
            else if (!seen.Add(mailbox.Address))
                problems.Add($"{key}:Address {mailbox.Address} is listed twice.");
            if (r.Tags.Count == 0 || r.Tags.Any(string.IsNullOrWhiteSpace))
                problems.Add($"{key}:Tags must list the topics this recipient follows.");
            var mode = r.Mode.Trim().ToLowerInvariant();
            if (!Modes.Contains(mode))
                problems.Add($"{key}:Mode must be one of {string.Join(", ", Modes)} (was \"{r.Mode}\").");
            TimeZoneInfo? zone = null;
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone); }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                problems.Add($"{key}:TimeZone must be an IANA time zone such as Asia/Seoul (was \"{r.TimeZone}\").");
            }
            var (cron, cronProblem) = CronText.Parse(r.DigestCron, zone ?? TimeZoneInfo.Utc);
            if (cronProblem is not null)
                problems.Add($"{key}:DigestCron {cronProblem}.");
            if (problems.Count > before) continue;
            recipients.Add(new Recipient(mailbox!.Address, r.Tags.Select(t => t.Trim()).Distinct().ToList(),
                Alerts: mode is "alert" or "both", Digests: mode is "digest" or "both",
                cron!, zone!));
        }
        return (recipients, problems);
    }
}
