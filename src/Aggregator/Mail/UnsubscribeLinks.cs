using System.Security.Cryptography;
using System.Text;
using Aggregator.Configuration;
using Aggregator.Storage;
using Dapper;
using Microsoft.Extensions.Options;

namespace Aggregator.Mail;

/// <summary>List-Unsubscribe links (RFC 2369) with one-click POST (RFC 8058): the address and an
/// HMAC of it under a key made once and kept in the settings table, so a link cannot be forged
/// for someone else. Only when Publishing:BaseUrl says where the service is reachable; without
/// it messages carry the mailto: form alone.</summary>
public sealed class UnsubscribeLinks(Database database, TimeProvider time, IOptions<AggregatorOptions> options)
{
    private const string KeySetting = "mail.unsubscribe_key";
    private byte[]? _key;

    public async Task<string?> UrlAsync(string address, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(options.Value.Publishing.BaseUrl)) return null;
        var baseUrl = options.Value.Publishing.BaseUrl.TrimEnd('/') + "/";
        return $"{baseUrl}mail/unsubscribe?address={Uri.EscapeDataString(address)}&token={await TokenAsync(address, ct)}";
    }

    public async Task<bool> IsValidAsync(string address, string token, CancellationToken ct) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(await TokenAsync(address, ct)), Encoding.ASCII.GetBytes(token));

    /// <summary>Stops all mail to the address; true when it was subscribed.</summary>
    public async Task<bool> UnsubscribeAsync(string address, CancellationToken ct)
    {
        address = Configured(address);
        var now = time.GetUtcNow().UtcDateTime;
        await using var write = await database.BeginWriteAsync(ct);
        await MailPlanner.RecipientStateAsync(write.Connection, write.Transaction, address, now);
        var changed = await write.Connection.ExecuteAsync(
            "UPDATE mail_recipients SET unsubscribed_at = @now WHERE address = @address AND unsubscribed_at IS NULL",
            new { address, now }, write.Transaction);
        await write.CommitAsync(ct);
        return changed == 1;
    }

    /// <summary>`mail resubscribe`: the operator undoes an unsubscription.</summary>
    public async Task<bool> ResubscribeAsync(string address, CancellationToken ct)
    {
        address = Configured(address);
        await using var write = await database.BeginWriteAsync(ct);
        var changed = await write.Connection.ExecuteAsync(
            "UPDATE mail_recipients SET unsubscribed_at = NULL, alerts_from = @now WHERE address = @address AND unsubscribed_at IS NOT NULL",
            new { address, now = time.GetUtcNow().UtcDateTime }, write.Transaction);
        await write.CommitAsync(ct);
        return changed == 1;
    }

    /// <summary>The address as the recipients' settings write it. Addresses are matched in any
    /// case (the token is made from the address in lower case): a link whose address was typed
    /// in capitals said "unsubscribed", stored a second row, and the recipient went on getting mail.</summary>
    private string Configured(string address) =>
        options.Value.Mail.Recipients.Select(r => r.Address?.Trim()).FirstOrDefault(a => string.Equals(a, address.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? address.Trim();

    /// <summary>Loads (or makes) the key. Called before a caller takes the write lock, since
    /// making the key writes.</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        if (_key is not null) return;
        await using var connection = await database.OpenAsync(ct);
        // Two processes making a key at once: the first stored wins, both use it.
        await connection.ExecuteAsync("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING",
            new { key = KeySetting, value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        _key = Convert.FromBase64String(await connection.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE key = @key", new { key = KeySetting })
            ?? throw new InvalidOperationException("the unsubscribe key was not stored"));
    }

    private async Task<string> TokenAsync(string address, CancellationToken ct)
    {
        await PrepareAsync(ct);
        var mac = HMACSHA256.HashData(_key!, Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant()));
        return Convert.ToBase64String(mac, 0, 18).Replace('+', '-').Replace('/', '_');
    }
}
