using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aggregator.Tests.TestSupport;

/// <summary>The real service as a child process on a free loopback port, stopped with SIGTERM
/// as a container runtime or systemd would.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();
    public Uri BaseUrl { get; }
    public HttpClient Http { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }
    public int Pid => _process.Id;

    /// <summary>SIGKILL: no shutdown, no cleanup, as when a machine dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    private ServiceProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <remarks>A free port is free only until someone takes it: another test's server, started
    /// in parallel between the pick and the service's bind, made the service exit with "address
    /// already in use". It then starts again on another port.</remarks>
    public static async Task<ServiceProcess> StartAsync(string workingDirectory, string configDirectory, string dataDirectory,
        IDictionary<string, string>? env = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var service = Launch(workingDirectory, configDirectory, dataDirectory, env);
            try
            {
                await service.WaitUntilAsync(async () => (await service.Http.GetAsync("healthz")).IsSuccessStatusCode, "the service answers /healthz");
                return service;
            }
            catch (InvalidOperationException) when (attempt < 3 && service.Log.Contains("address already in use", StringComparison.Ordinal))
            {
                await service.DisposeAsync();
            }
        }
    }

    private static ServiceProcess Launch(string workingDirectory, string configDirectory, string dataDirectory, IDictionary<string, string>? env)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var info = Processes.Info("dotnet",
            [RepoPaths.ProgramDll, "serve", "--urls", url, "--config", configDirectory, "--data", dataDirectory], workingDirectory, env);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, new Uri(url + "/"));
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The service exited ({_process.ExitCode}) before {what}:\n{Log}");
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Timed out waiting until {what}:\n{Log}");
    }

    /// <summary>SIGTERM, then wait for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
            await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        Http.Dispose();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
