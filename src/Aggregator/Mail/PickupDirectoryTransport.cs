using MimeKit;

namespace Aggregator.Mail;

/// <summary>Writes each message as an .eml file, as IIS and many frameworks' pickup folders
/// do: open one in a mail client to see it exactly as it would arrive. Written to a temporary
/// name and renamed, so a reader never sees half a file.</summary>
public sealed class PickupDirectoryTransport(string directory) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var name = $"{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)}-{(message.MessageId ?? Guid.NewGuid().ToString("N")).Split('@')[0]}.eml";
            var temporary = Path.Combine(directory, "." + name + ".tmp");
            await using (var file = File.Create(temporary))
                await message.WriteToAsync(file, ct);
            File.Move(temporary, Path.Combine(directory, name), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MailDeliveryException($"cannot write to the pickup folder {directory}: {e.Message}", transient: true, e);
        }
    }

    public string Describe() => $"pickup folder {directory}";

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
