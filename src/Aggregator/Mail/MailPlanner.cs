using System.Data.Common;
using Aggregator.Configuration;
using Aggregator.Storage;
using Dapper;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Aggregator.Mail;

/// <summary>Decides what to send: finds the new stories of each recipient's followed tags,
/// composes the alert or digest and stores it in the outbox in the same transaction that
/// records it as decided (alert marks, the digest's period). The orchestrator of the mail stage.</summary>
public sealed class MailPlanner(Database database, ItemQueries queries, UnsubscribeLinks unsubscribe, TimeProvider time,
    IOptions<AggregatorOptions> options, ILogger<MailPlanner> logger)
{
    /// <summary>A digest lists at most this many stories, newest first, and says how many more there were.</summary>
    public const int MaxDigestStories = 200;

    /// <summary>An alert lists at most this many (a new feed with a day of fresh entries can
    /// bring hundreds at once); the rest are counted, and all of them count as alerted.</summary>
    public const int MaxAlertStories = 50;

    /// <summary>A copy that gains a followed tag (a correction, a retag) is news for a digest only
    /// when it was first seen less than this long before the period: a rules change that tags
    /// last year's stories does not mail them.</summary>
    public static readonly TimeSpan DigestLookBack = TimeSpan.FromDays(7);

    private readonly Lazy<IReadOnlyList<Recipient>> _recipients = new(() =>
    {
        var (recipients, problems) = Recipient.FromOptions(options.Value.Mail);
        return problems.Count > 0 ? throw new InvalidDataException(string.Join(" ", problems)) : recipients;
    });

    public IReadOnlyList<Recipient> Recipients => _recipients.Value;
    private MailOptions Options => options.Value.Mail;

    public Recipient? Find(string address) =>
        Recipients.FirstOrDefault(r => string.Equals(r.Address, address.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Queues one alert per alert recipient that has new stories and whose coalescing
    /// window has passed. Returns the number of alerts queued.</summary>
    public async Task<int> QueueAlertsAsync(CancellationToken ct)
    {
        var queued = 0;
        await unsubscribe.PrepareAsync(ct);
        await KeepDigestOnlyCurrentAsync(ct);
        foreach (var recipient in Recipients.Where(r => r.Alerts))
        {
            var now = time.GetUtcNow().UtcDateTime;
            // Immediate: the candidates are read and marked under one write lock, so two planners
            // (the service and a run-once) cannot both alert the same story.
            await using var write = await database.BeginWriteAsync(ct);
            var state = await RecipientStateAsync(write.Connection, write.Transaction, recipient.Address, now);
            if (state.UnsubscribedAt is not null || now < state.LastAlertAt?.AddSeconds(Options.AlertWindowSeconds))
                continue;
            var heads = (await write.Connection.QueryAsync<long>(new CommandDefinition($"""
                SELECT i.id FROM items i
                WHERE i.story_id IS NULL
                  AND i.first_seen_at >= @from
                  AND coalesce(i.published_at, i.first_seen_at) >= @fresh
                  AND {StoryHasTag(write.Connection)}
                  AND NOT EXISTS (SELECT 1 FROM mail_alerted a WHERE a.recipient = @address AND a.item_id = i.id)
                  AND NOT EXISTS (SELECT 1 FROM items m JOIN mail_alerted a ON a.item_id = m.id AND a.recipient = @address WHERE m.story_id = i.id)
                ORDER BY coalesce(i.published_at, i.first_seen_at) DESC, i.id DESC
                """, new { from = state.AlertsFrom, fresh = now.AddHours(-Options.AlertMaxAgeHours), tags = recipient.Tags.ToArray(), address = recipient.Address },
                write.Transaction, cancellationToken: ct))).ToList();
            if (heads.Count == 0) continue;

            var content = new MailContent(MailKind.Alert, recipient, await queries.StoriesAsync(heads.Take(MaxAlertStories).ToList(), ct), state.LastAlertAt ?? state.AlertsFrom, now, now)
            {
                More = Math.Max(0, heads.Count - MaxAlertStories),
            };
            var outboxId = await EnqueueAsync(write, content, ct);
            if (outboxId is not null)
            {
                await write.Connection.ExecuteAsync(new CommandDefinition($"""
                    INSERT INTO mail_alerted (recipient, item_id, outbox_id)
                    SELECT @address, id, @outboxId FROM items
                    WHERE {Dialect.InList(write.Connection, "id", "heads")} OR {Dialect.InList(write.Connection, "story_id", "heads")}
                    ON CONFLICT DO NOTHING
                    """, new { address = recipient.Address, outboxId, heads = heads.ToArray() }, write.Transaction, cancellationToken: ct));
                await write.Connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE mail_recipients SET last_alert_at = @now WHERE address = @address",
                    new { now, address = recipient.Address }, write.Transaction, cancellationToken: ct));
                queued++;
                logger.LogInformation("Mail: alert of {Stories} queued for {Recipient}", heads.Count == 1 ? "1 new story" : $"{heads.Count} new stories", recipient.Address);
            }
            await write.CommitAsync(ct);
        }
        return queued;
    }

    /// <summary>A recipient who takes digests only has nothing alerted, so alerts count for them
    /// from now: switched to alerts later, they are not mailed as new what their digests carried
    /// (up to AlertMaxAgeHours of it), only what came since the service last ran without.</summary>
    private async Task KeepDigestOnlyCurrentAsync(CancellationToken ct)
    {
        var digestOnly = Recipients.Where(r => !r.Alerts).Select(r => r.Address).ToArray();
        if (digestOnly.Length == 0) return;
        var now = time.GetUtcNow().UtcDateTime;
        await using var write = await database.BeginWriteAsync(ct);
        await write.Connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE mail_recipients SET alerts_from = @now WHERE {Dialect.InList(write.Connection, "address", "digestOnly")}",
            new { now, digestOnly }, write.Transaction, cancellationToken: ct));
        await write.CommitAsync(ct);
    }

    /// <summary>Creates the rows of configured recipients that have none, at start: alerts count
    /// from then, so stories arriving before the first mail tick are not missed.</summary>
    public async Task RegisterRecipientsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var write = await database.BeginWriteAsync(ct);
        foreach (var recipient in Recipients)
            await RecipientStateAsync(write.Connection, write.Transaction, recipient.Address, now);
        await write.CommitAsync(ct);
    }

    public sealed record Digest(MailContent Content, MimeMessage Message);

    /// <summary>The digest a recipient gets now: the stories first seen since their previous
    /// digest (or, the first time, one period of their schedule). Null when there are none.
    /// With <paramref name="queue"/> it is stored in the outbox and the period closed; an empty
    /// digest closes the period too (it is skipped, not postponed).</summary>
    public async Task<Digest?> DigestAsync(Recipient recipient, bool queue, CancellationToken ct)
    {
        await unsubscribe.PrepareAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using var write = await database.BeginWriteAsync(ct);
        var state = await RecipientStateAsync(write.Connection, write.Transaction, recipient.Address, now);
        if (queue && state.UnsubscribedAt is not null) return null;
        var from = state.DigestUntil ?? FirstPeriodStart(recipient, now);
        // A story is new to the period when a followed tag reached one of its copies in it and
        // none before: a copy first stored with the tag, or a stored copy that gained it (a
        // correction in place, a retag after the rules changed). A teaser seen untagged last
        // period whose full text came tagged in this one is in this digest (it was in none); a
        // story already sent is not again. A copy older than DigestLookBack when it gained the
        // tag (the archive retagged) is not news.
        var heads = (await write.Connection.QueryAsync<long>(new CommandDefinition($"""
            SELECT i.id FROM items i
            WHERE i.story_id IS NULL
              AND i.id IN (SELECT h.id FROM items h WHERE h.story_id IS NULL AND h.first_seen_at > @from AND h.first_seen_at <= @now
                           UNION SELECT m.story_id FROM items m WHERE m.story_id IS NOT NULL AND m.first_seen_at > @from AND m.first_seen_at <= @now
                           UNION SELECT coalesce(c.story_id, c.id) FROM item_tags t JOIN items c ON c.id = t.item_id
                                 WHERE t.tagged_at > @from AND t.tagged_at <= @now AND c.first_seen_at > @oldest)
              AND {TagArrived(write.Connection, "@from", "@now")}
              AND NOT {TagArrived(write.Connection, null, "@from")}
            ORDER BY coalesce(i.published_at, i.first_seen_at) DESC, i.id DESC
            """, new { from, now, oldest = from - DigestLookBack, tags = recipient.Tags.ToArray() }, write.Transaction, cancellationToken: ct))).ToList();

        Digest? digest = null;
        if (heads.Count > 0)
        {
            var content = new MailContent(MailKind.Digest, recipient, await queries.StoriesAsync(heads.Take(MaxDigestStories).ToList(), ct), from, now, now)
            {
                More = Math.Max(0, heads.Count - MaxDigestStories),
            };
            digest = new Digest(content, await ComposeAsync(content, ct));
            if (queue && await EnqueueAsync(write, content, ct, digest.Message) is { } outboxId)
            {
                // What it carries and covers, to withdraw it should one of its stories be removed
                // before it is sent (Storage/ItemRemoval).
                var listed = heads.Take(MaxDigestStories).ToArray();
                await write.Connection.ExecuteAsync(new CommandDefinition($"""
                    INSERT INTO mail_digested (outbox_id, item_id)
                    SELECT @outboxId, id FROM items
                    WHERE {Dialect.InList(write.Connection, "id", "listed")} OR {Dialect.InList(write.Connection, "story_id", "listed")};
                    UPDATE mail_outbox SET period_from = @from, period_until = @now WHERE id = @outboxId;
                    """, new { outboxId, listed, from, now }, write.Transaction, cancellationToken: ct));
            }
        }
        if (queue)
        {
            await write.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE mail_recipients SET digest_until = @now WHERE address = @address",
                new { now, address = recipient.Address }, write.Transaction, cancellationToken: ct));
            await write.CommitAsync(ct);
            if (digest is null) logger.LogInformation("Mail: no new stories for {Recipient}'s digest; skipped", recipient.Address);
            else logger.LogInformation("Mail: digest of {Stories} queued for {Recipient}", heads.Count == 1 ? "1 story" : $"{heads.Count} stories", recipient.Address);
        }
        return digest;
    }

    /// <summary>The first digest covers one period of the schedule, ending now.</summary>
    private static DateTime FirstPeriodStart(Recipient recipient, DateTime now)
    {
        var at = new DateTimeOffset(now, TimeSpan.Zero);
        var last = recipient.DigestSchedule.GetPreviousValidTimeBefore(at.AddTicks(1)) ?? at.AddDays(-1);
        var next = recipient.DigestSchedule.GetNextValidTimeAfter(last) ?? last.AddDays(1);
        return now - (next - last);
    }

    /// <summary>A story matches when any of its copies carries a followed tag. Two lookups by
    /// index rather than one with OR: PostgreSQL planned the OR as a scan per story (3.9 s over
    /// 9,500 stories, now milliseconds).</summary>
    private static string StoryHasTag(System.Data.Common.DbConnection connection) => $"""
        (EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND {Dialect.InList(connection, "t.tag", "tags")})
         OR EXISTS (SELECT 1 FROM items m JOIN item_tags t ON t.item_id = m.id WHERE m.story_id = i.id AND {Dialect.InList(connection, "t.tag", "tags")}))
        """;

    /// <summary>Whether a followed tag reached a copy of story i (itself or a later one) after
    /// <paramref name="after"/> (when given) and no later than <paramref name="upTo"/>: when the
    /// copy gained it (tagged_at) or, for a tag it came with, when the copy was first seen.</summary>
    private static string TagArrived(System.Data.Common.DbConnection connection, string? after, string upTo)
    {
        static string When(string copy, string? after, string upTo)
        {
            var arrived = $"coalesce(t.tagged_at, {copy}.first_seen_at)";
            return (after is null ? "" : $"{arrived} > {after} AND ") + $"{arrived} <= {upTo}";
        }
        return $"""
            (EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND {When("i", after, upTo)} AND {Dialect.InList(connection, "t.tag", "tags")})
             OR EXISTS (SELECT 1 FROM items m JOIN item_tags t ON t.item_id = m.id
                        WHERE m.story_id = i.id AND {When("m", after, upTo)} AND {Dialect.InList(connection, "t.tag", "tags")}))
            """;
    }

    private async Task<MimeMessage> ComposeAsync(MailContent content, CancellationToken ct) =>
        MessageComposer.Compose(MailIdentity.Of(options.Value), content, await unsubscribe.UrlAsync(content.Recipient.Address, ct));

    private async Task<long?> EnqueueAsync(Database.WriteScope write, MailContent content, CancellationToken ct, MimeMessage? message = null)
    {
        message ??= await ComposeAsync(content, ct);
        // 7-bit clean once, here: the stored bytes are exactly what every later attempt sends.
        message.Prepare(EncodingConstraint.SevenBit);
        using var bytes = new MemoryStream();
        await message.WriteToAsync(bytes, ct);
        // Counted when decided; if the transaction then rolls back, the next tick decides again.
        Operations.Telemetry.Emailed("queued", content.KindName);
        return await Outbox.EnqueueAsync(write.Connection, write.Transaction, message.MessageId!, content.Recipient.Address,
            content.KindName, message.Subject!, content.Stories.Count + content.More, bytes.ToArray(), content.Created);
    }

    internal sealed record RecipientState(DateTime AlertsFrom, DateTime? LastAlertAt, DateTime? DigestUntil, DateTime? UnsubscribedAt);

    /// <summary>When the recipient unsubscribed (the List-Unsubscribe link), or null.</summary>
    public async Task<DateTime?> UnsubscribedAtAsync(string address, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT unsubscribed_at FROM mail_recipients WHERE address = @address", new { address }, cancellationToken: ct));
    }

    /// <summary>The recipient's row, created on first use: alerts start from then, so adding a
    /// recipient does not mail them the whole archive. An address the settings now write in
    /// other capitals ("Ann@Example.org" become "ann@example.org") takes over the state of the
    /// old spelling, unsubscription included: it was a new row, and someone who had unsubscribed
    /// got mail again. The stories already alerted to the old spelling come along too, or each
    /// would be alerted once more.</summary>
    internal static async Task<RecipientState> RecipientStateAsync(DbConnection connection, DbTransaction transaction, string address, DateTime now)
    {
        var created = await connection.ExecuteAsync("""
            INSERT INTO mail_recipients (address, alerts_from, last_alert_at, digest_until, unsubscribed_at)
            SELECT @address, coalesce(min(alerts_from), @now), max(last_alert_at), max(digest_until), max(unsubscribed_at)
            FROM mail_recipients WHERE lower(address) = lower(@address)
            ON CONFLICT (address) DO NOTHING
            """, new { address, now }, transaction);
        if (created > 0)
            await connection.ExecuteAsync("""
                INSERT INTO mail_alerted (recipient, item_id, outbox_id)
                SELECT @address, item_id, min(outbox_id) FROM mail_alerted
                WHERE lower(recipient) = lower(@address) AND recipient <> @address
                GROUP BY item_id
                ON CONFLICT (recipient, item_id) DO NOTHING
                """, new { address }, transaction);
        return await connection.QuerySingleAsync<RecipientState>(
            "SELECT alerts_from, last_alert_at, digest_until, unsubscribed_at FROM mail_recipients WHERE address = @address",
            new { address }, transaction);
    }
}
