using System.Data.Common;
using Aggregator.Storage;
using Dapper;

namespace Aggregator.Mail;

/// <summary>A stored message and where it is in its life: queued → sending → sent | failed
/// (sending → queued again after a transient failure), or queued → withdrawn when a story it
/// carried is removed (Storage/ItemRemoval).</summary>
public sealed record OutboxMessage
{
    public long Id { get; init; }
    public string MessageId { get; init; } = "";
    public string Recipient { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Subject { get; init; } = "";
    public int StoryCount { get; init; }
    public byte[] Mime { get; init; } = [];
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public DateTime NextAttemptAt { get; init; }
    public string? LastError { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? SentAt { get; init; }
}

/// <summary>The transactional outbox (Storage/Migrations/*/0006_mail.sql). Messages enter it in
/// the caller's transaction, together with what made them (alert marks, digest periods); they
/// leave it only as sent or failed. Claims are leases, so a sender that dies mid-send gives its
/// messages back when the lease runs out.</summary>
public sealed class Outbox(Database database, Scheduling.ClusterMembership cluster, TimeProvider time)
{
    /// <summary>Longer than any one send (connect, TLS, DATA) can take under the SMTP timeout.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>Stores a message in the caller's transaction; null when the same message (same
    /// Message-ID) is already stored.</summary>
    public static async Task<long?> EnqueueAsync(DbConnection connection, DbTransaction transaction, string messageId, string recipient,
        string kind, string subject, int storyCount, byte[] mime, DateTime now) =>
        await connection.ExecuteScalarAsync<long?>("""
            INSERT INTO mail_outbox (message_id, recipient, kind, subject, story_count, mime, state, next_attempt_at, created_at)
            VALUES (@messageId, @recipient, @kind, @subject, @storyCount, @mime, 'queued', @now, @now)
            ON CONFLICT (message_id) DO NOTHING
            RETURNING id
            """, new { messageId, recipient, kind, subject, storyCount, mime, now }, transaction);

    /// <summary>Takes up to <paramref name="limit"/> messages that are due (or whose sender's
    /// lease ran out, or whose sender the cluster declared dead) for this sender, counting the
    /// attempt. Two instances never claim the same message (row locks on PostgreSQL, the single
    /// writer on SQLite).</summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(int limit, CancellationToken ct, long? onlyId = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claimant = await cluster.ClaimantAsync(ct);
        if (claimant.Idle is not null) return [];
        await using var write = await database.BeginWriteAsync(ct, serialized: false);
        var claimed = (await write.Connection.QueryAsync<OutboxMessage>(new CommandDefinition($"""
            UPDATE mail_outbox SET state = 'sending', claimed_by = @me, claimed_until = @until, attempts = attempts + 1
            WHERE id IN (SELECT id FROM mail_outbox
                         WHERE ((state = 'queued' AND next_attempt_at <= @claimNow) OR (state = 'sending' AND {Claims.Takeover(database, claimant)}))
                           AND (@onlyId IS NULL OR id = @onlyId)
                         ORDER BY next_attempt_at, id LIMIT @limit {Claims.SkipLocked(database)})
            RETURNING id, message_id, recipient, kind, subject, story_count, mime, state, attempts, next_attempt_at, last_error, created_at, sent_at
            """, Claims.Parameters(claimant, now, Lease, new { limit, onlyId }), write.Transaction, cancellationToken: ct))).OrderBy(m => m.Id).ToList();
        await write.CommitAsync(ct);
        return claimed;
    }

    /// <summary>The server accepted it. Written whatever the caller's cancellation: the message is
    /// out, and a digest's items need no longer be known (they are, to withdraw one not yet sent).</summary>
    public Task MarkSentAsync(long id) => UpdateAsync("""
        UPDATE mail_outbox SET state = 'sent', sent_at = @now, claimed_by = NULL, claimed_until = NULL, last_error = NULL WHERE id = @id;
        DELETE FROM mail_digested WHERE outbox_id = @id;
        """, new { id, now = time.GetUtcNow().UtcDateTime });

    public Task MarkFailedAsync(long id, string error) => UpdateAsync("""
        UPDATE mail_outbox SET state = 'failed', claimed_by = NULL, claimed_until = NULL, last_error = @error WHERE id = @id
        """, new { id, error });

    /// <summary>Back to the queue for another attempt at <paramref name="next"/>.</summary>
    public Task RequeueAsync(long id, string? error, DateTime next, bool countAttempt = true) => UpdateAsync($"""
        UPDATE mail_outbox SET state = 'queued', claimed_by = NULL, claimed_until = NULL, next_attempt_at = @next,
               last_error = coalesce(@error, last_error){(countAttempt ? "" : ", attempts = attempts - 1")}
        WHERE id = @id AND state = 'sending'
        """, new { id, error, next });

    /// <summary>`mail retry`: a failed or waiting message is due now, with a fresh count of attempts.</summary>
    public async Task<bool> RetryAsync(long id, CancellationToken ct)
    {
        await using var write = await database.BeginWriteAsync(ct);
        var changed = await write.Connection.ExecuteAsync(new CommandDefinition("""
            UPDATE mail_outbox SET state = 'queued', attempts = 0, next_attempt_at = @now, claimed_by = NULL, claimed_until = NULL
            WHERE id = @id AND state IN ('failed', 'queued')
            """, new { id, now = time.GetUtcNow().UtcDateTime }, write.Transaction, cancellationToken: ct));
        await write.CommitAsync(ct);
        return changed == 1;
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(string? state, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<OutboxMessage>(new CommandDefinition("""
            SELECT id, message_id, recipient, kind, subject, story_count, state, attempts, next_attempt_at, last_error, created_at, sent_at
            FROM mail_outbox WHERE @state IS NULL OR state = @state
            ORDER BY id DESC LIMIT @limit
            """, new { state, limit }, cancellationToken: ct))).ToList();
    }

    public async Task<OutboxMessage?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<OutboxMessage>(new CommandDefinition(
            "SELECT * FROM mail_outbox WHERE id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<OutboxMessage?> FindAsync(string messageId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<OutboxMessage>(new CommandDefinition(
            "SELECT * FROM mail_outbox WHERE message_id = @messageId", new { messageId }, cancellationToken: ct));
    }

    private async Task UpdateAsync(string sql, object parameters)
    {
        // CancellationToken.None: once a send is decided, recording its outcome must not be skipped by shutdown.
        await using var write = await database.BeginWriteAsync(CancellationToken.None);
        await write.Connection.ExecuteAsync(sql, parameters, write.Transaction);
        await write.CommitAsync(CancellationToken.None);
    }
}
