using Quartz;

namespace Aggregator.Mail;

/// <summary>Digest schedules as people write them: crontab's five fields ("0 7 * * *", Sunday
/// 0 or 7), or Quartz's own six or seven (with seconds; Sunday 1). Quartz reads both.</summary>
public static class CronText
{
    /// <summary>The schedule in a time zone, or null with the reason when the text is not one.</summary>
    public static (CronExpression? Schedule, string? Problem) Parse(string text, TimeZoneInfo zone)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 5 ? CronFormat.Unix : CronFormat.Quartz;
        if (fields is not (5 or 6 or 7) && !text.TrimStart().StartsWith('@'))
            return (null, $"\"{text}\" has {fields} fields; a schedule has five (crontab) or six or seven (Quartz, with seconds)");
        try
        {
            return (CronExpression.Parse(text.Trim(), format).WithTimeZone(zone), null);
        }
        catch (FormatException e)
        {
            return (null, $"\"{text}\" is not a schedule: {e.Message}");
        }
    }
}
