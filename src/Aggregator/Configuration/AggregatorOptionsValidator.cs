using Microsoft.Extensions.Options;

namespace Aggregator.Configuration;

/// <summary>Checks the options tree at start; every message names the configuration key.</summary>
public sealed class AggregatorOptionsValidator : IValidateOptions<AggregatorOptions>
{
    private static readonly string[] Providers = ["sqlite", "postgres"];
    private static readonly string[] Roles = ["both", "web", "worker"];

    public ValidateOptionsResult Validate(string? name, AggregatorOptions options) =>
        Problems(options) is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;

    public static List<string> Problems(AggregatorOptions o)
    {
        const string p = AggregatorOptions.SectionName;
        var problems = new List<string>();
        if (!Providers.Contains(o.Storage.Provider, StringComparer.OrdinalIgnoreCase))
            problems.Add($"{p}:Storage:Provider must be one of {string.Join(", ", Providers)} (was \"{o.Storage.Provider}\").");
        else if (o.Storage.Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase))
            problems.AddRange(PostgresProblems(o.Storage.ConnectionString));
        if (!Roles.Contains(o.Cluster.Role))
            problems.Add($"{p}:Cluster:Role must be one of {string.Join(", ", Roles)} (was \"{o.Cluster.Role}\").");
        if (o.Cluster.CheckinIntervalSeconds is < 1 or > 300)
            problems.Add($"{p}:Cluster:CheckinIntervalSeconds must be between 1 and 300 (was {o.Cluster.CheckinIntervalSeconds}).");
        if (o.Scheduling.ImportIntervalMinutes is < 1 or > 24 * 60)
            problems.Add($"{p}:Scheduling:ImportIntervalMinutes must be between 1 and 1440 (was {o.Scheduling.ImportIntervalMinutes}).");
        if (o.Sources.MaxDocumentBytes < 1024)
            problems.Add($"{p}:Sources:MaxDocumentBytes must be at least 1024 (was {o.Sources.MaxDocumentBytes}).");
        for (var i = 0; i < o.Sources.BlockRules.Count; i++)
            if (Processing.EntryRule.Problem(o.Sources.BlockRules[i]) is { } rule)
                problems.Add($"{p}:Sources:BlockRules:{i}: {rule}.");
        for (var i = 0; i < o.Sources.DocumentFolders.Count; i++)
            if (string.IsNullOrWhiteSpace(o.Sources.DocumentFolders[i]))
                problems.Add($"{p}:Sources:DocumentFolders:{i} must not be empty.");
        if (o.Scheduling.MinPollMinutes < 1 || o.Scheduling.MinPollMinutes > o.Scheduling.MaxPollMinutes)
            problems.Add($"{p}:Scheduling:MinPollMinutes must be at least 1 and at most MaxPollMinutes (was {o.Scheduling.MinPollMinutes}).");
        if (o.Scheduling.MaxPollMinutes > SchedulingOptions.LongestPollMinutes)
            problems.Add($"{p}:Scheduling:MaxPollMinutes must be at most 10080, a week (was {o.Scheduling.MaxPollMinutes}).");
        if (o.Scheduling.ClaimLeaseSeconds is < 3 or > 86400)
            problems.Add($"{p}:Scheduling:ClaimLeaseSeconds must be between 3 and 86400 (was {o.Scheduling.ClaimLeaseSeconds}).");
        if (o.Scheduling.SearchIndexSeconds is < 1 or > 3600)
            problems.Add($"{p}:Scheduling:SearchIndexSeconds must be between 1 and 3600 (was {o.Scheduling.SearchIndexSeconds}).");
        if (o.Retention.Days is < 0 or > 36500)
            problems.Add($"{p}:Retention:Days must be between 0 (keep every story) and 36500 (was {o.Retention.Days}).");
        if (o.Scheduling.PollTickSeconds is < 5 or > 60)
            problems.Add($"{p}:Scheduling:PollTickSeconds must be between 5 and 60 (was {o.Scheduling.PollTickSeconds}).");
        if (o.Fetching.ConnectTimeoutSeconds is < 1 or > 120)
            problems.Add($"{p}:Fetching:ConnectTimeoutSeconds must be between 1 and 120 (was {o.Fetching.ConnectTimeoutSeconds}).");
        if (o.Fetching.TimeoutSeconds < o.Fetching.ConnectTimeoutSeconds || o.Fetching.TimeoutSeconds > 600)
            problems.Add($"{p}:Fetching:TimeoutSeconds must be at least ConnectTimeoutSeconds and at most 600 (was {o.Fetching.TimeoutSeconds}).");
        if (o.Fetching.MaxBodyBytes < 1024)
            problems.Add($"{p}:Fetching:MaxBodyBytes must be at least 1024 (was {o.Fetching.MaxBodyBytes}).");
        if (o.Fetching.MaxConcurrency is < 1 or > 256)
            problems.Add($"{p}:Fetching:MaxConcurrency must be between 1 and 256 (was {o.Fetching.MaxConcurrency}).");
        if (o.Fetching.MaxPerHost < 1 || o.Fetching.MaxPerHost > o.Fetching.MaxConcurrency)
            problems.Add($"{p}:Fetching:MaxPerHost must be between 1 and MaxConcurrency (was {o.Fetching.MaxPerHost}).");
        if (o.Fetching.MaxRedirects is < 0 or > 20)
            problems.Add($"{p}:Fetching:MaxRedirects must be between 0 and 20 (was {o.Fetching.MaxRedirects}).");
        if (string.IsNullOrWhiteSpace(o.Tagging.TopicsFile))
            problems.Add($"{p}:Tagging:TopicsFile must name a file.");
        if (o.Publishing.PageSize is < 1 or > 500)
            problems.Add($"{p}:Publishing:PageSize must be between 1 and 500 (was {o.Publishing.PageSize}).");
        if (!string.IsNullOrEmpty(o.Publishing.BaseUrl) && !Uri.TryCreate(o.Publishing.BaseUrl, UriKind.Absolute, out _))
            problems.Add($"{p}:Publishing:BaseUrl must be an absolute URL (was \"{o.Publishing.BaseUrl}\").");
        // RFC 4151: taggingEntity = authorityName "," date
        if (!string.IsNullOrEmpty(o.Publishing.HubUrl) && !(Uri.TryCreate(o.Publishing.HubUrl, UriKind.Absolute, out var hub) && hub.Scheme is "http" or "https"))
            problems.Add($"{p}:Publishing:HubUrl must be an absolute http(s) URL (was \"{o.Publishing.HubUrl}\").");
        if (!string.IsNullOrEmpty(o.Publishing.HubUrl) && string.IsNullOrEmpty(o.Publishing.BaseUrl))
            problems.Add($"{p}:Publishing:HubUrl needs {p}:Publishing:BaseUrl: the hub fetches the feeds at their public address.");
        if (o.Publishing.MaxAgeSeconds is < 0 or > 86400)
            problems.Add($"{p}:Publishing:MaxAgeSeconds must be between 0 and 86400 (was {o.Publishing.MaxAgeSeconds}).");
        if (o.Publishing.CacheMegabytes is < 1 or > 4096)
            problems.Add($"{p}:Publishing:CacheMegabytes must be between 1 and 4096 (was {o.Publishing.CacheMegabytes}).");
        if (!System.Text.RegularExpressions.Regex.IsMatch(o.Publishing.IdAuthority, @"^[A-Za-z0-9.@-]+,\d{4}(-\d{2}(-\d{2})?)?$"))
            problems.Add($"{p}:Publishing:IdAuthority must be \"domain,YYYY[-MM[-DD]]\" as RFC 4151 requires (was \"{o.Publishing.IdAuthority}\").");
        problems.AddRange(MailProblems(o.Mail));
        return problems;
    }

    private static readonly string[] SmtpSecurity = ["none", "starttls", "tls"];

    private static IEnumerable<string> MailProblems(MailOptions m)
    {
        const string p = AggregatorOptions.SectionName + ":Mail";
        if (m.Enabled && !(MimeKit.MailboxAddress.TryParse(m.From, out var from) && from.Address.Contains('@', StringComparison.Ordinal)))
            yield return $"{p}:From must be the sender's address, e.g. \"Monitor <monitor@example.org>\" (was \"{m.From}\").";
        if (!string.IsNullOrWhiteSpace(m.ReplyTo) && !MimeKit.MailboxAddress.TryParse(m.ReplyTo, out _))
            yield return $"{p}:ReplyTo must be an email address (was \"{m.ReplyTo}\").";
        if (!SmtpSecurity.Contains(m.Smtp.Security, StringComparer.OrdinalIgnoreCase))
            yield return $"{p}:Smtp:Security must be one of {string.Join(", ", SmtpSecurity)} (was \"{m.Smtp.Security}\").";
        if (m.Smtp.Port is < 0 or > 65535)
            yield return $"{p}:Smtp:Port must be between 1 and 65535, or 0 for the security mode's usual port (was {m.Smtp.Port}).";
        if (m.Smtp.TimeoutSeconds is < 1 or > 600)
            yield return $"{p}:Smtp:TimeoutSeconds must be between 1 and 600 (was {m.Smtp.TimeoutSeconds}).";
        if (!string.IsNullOrEmpty(m.Smtp.Password) && string.IsNullOrEmpty(m.Smtp.User))
            yield return $"{p}:Smtp:Password is set but {p}:Smtp:User is not.";
        if (m.AlertWindowSeconds is < 0 or > 86400)
            yield return $"{p}:AlertWindowSeconds must be between 0 and 86400 (was {m.AlertWindowSeconds}).";
        if (m.AlertMaxAgeHours is < 1 or > 24 * 365)
            yield return $"{p}:AlertMaxAgeHours must be between 1 and 8760 (was {m.AlertMaxAgeHours}).";
        if (m.TickSeconds is < 1 or > 60)
            yield return $"{p}:TickSeconds must be between 1 and 60, so alerts go out within a minute (was {m.TickSeconds}).";
        if (m.RetryBaseSeconds < 1 || m.RetryBaseSeconds > m.RetryMaxSeconds)
            yield return $"{p}:RetryBaseSeconds must be at least 1 and at most RetryMaxSeconds (was {m.RetryBaseSeconds}).";
        if (m.MaxAttempts is < 1 or > 1000)
            yield return $"{p}:MaxAttempts must be between 1 and 1000 (was {m.MaxAttempts}).";
        foreach (var problem in Mail.Recipient.FromOptions(m).Problems)
            yield return problem;
    }

    private static IEnumerable<string> PostgresProblems(string? connectionString)
    {
        const string key = AggregatorOptions.SectionName + ":Storage:ConnectionString";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            yield return $"{key} is required when Provider is postgres (for example Host=db;Port=5432;Database=aggregator;Username=aggregator).";
            yield break;
        }
        string? problem = null;
        try
        {
            var parsed = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host)) problem = $"{key} names no Host.";
        }
        catch (ArgumentException e)
        {
            problem = $"{key} is not a valid Npgsql connection string: {e.Message}";
        }
        if (problem is not null) yield return problem;
    }
}
