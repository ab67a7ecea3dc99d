using System.Net.Sockets;
using Aggregator.Configuration;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Aggregator.Mail;

/// <summary>SMTP through MailKit: one connection per delivery run, opened on the first message.
/// MailKit's errors are sorted into transient and permanent here, by RFC 5321 reply class.</summary>
public sealed class SmtpTransport(SmtpOptions options) : IMailTransport
{
    private readonly SmtpClient _client = new() { Timeout = options.TimeoutSeconds * 1000 };

    public static SecureSocketOptions Security(string security) => security.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "tls" => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "none, starttls or tls"),
    };

    public static int Port(SmtpOptions options) => options.Port > 0 ? options.Port : options.Security.ToLowerInvariant() switch
    {
        "tls" => 465,
        "starttls" => 587,
        _ => 25,
    };

    public string Describe() => $"smtp://{options.Host}:{Port(options)} ({options.Security})";

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        try
        {
            if (!_client.IsConnected)
            {
                try
                {
                    await _client.ConnectAsync(options.Host ?? "localhost", Port(options), Security(options.Security), ct);
                }
                catch (NotSupportedException e)
                {
                    // The default (starttls) against a server without it, such as a relay on this
                    // machine: a configuration to fix, said as such; the messages wait for it.
                    throw new MailDeliveryException($"{Describe()} does not offer STARTTLS ({e.Message.Trim()}); set Aggregator:Mail:Smtp:Security to none "
                        + "for a relay on this machine or a trusted network, or to tls for port 465", transient: true, e);
                }
                if (!string.IsNullOrEmpty(options.User))
                    await _client.AuthenticateAsync(options.User, options.Password ?? "", ct);
            }
            await _client.SendAsync(message, ct);
        }
        catch (SmtpCommandException e)
        {
            // 4xx: the server may take it later; 5xx: it will not. The reply goes to `mail list`.
            var code = (int)e.StatusCode;
            throw new MailDeliveryException($"{Describe()} answered {code} {e.Message.Trim()}", transient: code < 500, e);
        }
        catch (AuthenticationException e)
        {
            // A wrong password or user fails every message alike: keep them queued with the reason
            // (the operator fixes the configuration and they go out) rather than failing each one.
            throw new MailDeliveryException($"{Describe()} refused the login of {options.User}: {e.Message.Trim()}", transient: true, e);
        }
        catch (ServiceNotAuthenticatedException e)
        {
            // 530 at MAIL FROM: the relay wants a login that was not given (port 587 of Gmail,
            // Office 365, Postfix). Every message alike, so they stay queued with the reason.
            throw new MailDeliveryException($"{Describe()} answered 530: it requires a login; set Aggregator:Mail:Smtp:User and Password ({e.Message.Trim()})", transient: true, e);
        }
        catch (NotSupportedException e)
        {
            throw new MailDeliveryException($"{Describe()} offers no login for {options.User} ({e.Message.Trim()}); check Security and User", transient: true, e);
        }
        catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException
                                       or SslHandshakeException or TimeoutException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new MailDeliveryException($"{Describe()}: {e.Message.Trim()}", transient: true, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(quit: true);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or OperationCanceledException) { }
        _client.Dispose();
    }
}
