using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Aggregator.Tests.TestSupport;

/// <summary>A real SMTP server on loopback: Debian's python3-aiosmtpd with the smtp_sink.py
/// handler storing accepted messages in a Maildir. The port is chosen first, so a test can point
/// the service at a server that is not up yet and start it later (an outage).</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private Process? _process;
    private readonly System.Text.StringBuilder _log = new();
    public int Port { get; } = ServiceProcess.FreePort();
    public string Maildir { get; }

    public SmtpSink(string maildir) => Maildir = maildir;

    public static bool Available { get; } = File.Exists(Python) && Run(Python, "-c", "import aiosmtpd") == 0;

    public static void Require() => RequiredTool.Require(Available, "python3-aiosmtpd (an SMTP server)");

    /// <summary>A sink already listening.</summary>
    public static async Task<SmtpSink> StartAsync(string maildir)
    {
        var sink = new SmtpSink(maildir);
        await sink.UpAsync();
        return sink;
    }

    public async Task UpAsync()
    {
        var info = Processes.Info(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "smtp_sink.Sink", Maildir], null,
            new Dictionary<string, string> { ["PYTHONPATH"] = Path.Combine(RepoPaths.Root, "tests", "Aggregator.Tests", "TestSupport") });
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException("aiosmtpd exited: " + _log);
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new TimeoutException("aiosmtpd did not listen on " + Port + ": " + _log);
    }

    public async Task DownAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>The messages delivered so far, read back with MimeKit, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(Maildir, "new");
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder)
            .Select(f => MimeMessage.Load(f))
            .OrderBy(m => m.Date).ThenBy(m => m.MessageId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The raw bytes of each delivered message, for checks on the wire format.</summary>
    public IReadOnlyList<byte[]> RawMessages()
    {
        var folder = Path.Combine(Maildir, "new");
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Select(File.ReadAllBytes).ToList() : [];
    }

    public async ValueTask DisposeAsync() => await DownAsync();

    private static int Run(string file, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception) { return -1; }
    }
}
