using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Aggregator.Tests.TestSupport;

/// <summary>Drives headless Chromium over the DevTools Protocol with only the BCL, so browser tests need no
/// Playwright/Selenium download. One instance is one browser process with one page.</summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string _userDataDir;
    private readonly StringBuilder _stderr;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1); // ClientWebSocket allows one send at a time.
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentDictionary<TaskCompletionSource<JsonElement>, string> _eventWaiters = new();
    private readonly List<string> _consoleErrors = [];
    private Task _receiveLoop = Task.CompletedTask;
    private int _nextId;
    private int _disposed;

    private HeadlessChromium(Process process, string userDataDir, StringBuilder stderr) =>
        (_process, _userDataDir, _stderr) = (process, userDataDir, stderr);

    /// <summary>Snapshot of console.error/assert, uncaught exceptions and error log entries (failed loads incl. 404s, CSP).</summary>
    public IReadOnlyList<string> ConsoleErrors { get { lock (_consoleErrors) { return [.. _consoleErrors]; } } }

    public static string? FindExecutable()
    {
        if (File.Exists("/usr/bin/chromium")) return "/usr/bin/chromium";
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => dirs.Select(dir => Path.Combine(dir, name))).FirstOrDefault(File.Exists);
    }

    public static async Task<HeadlessChromium> StartAsync(CancellationToken ct)
    {
        var exe = FindExecutable() ?? throw new InvalidOperationException("No chromium/google-chrome found on PATH.");
        var userDataDir = Directory.CreateTempSubdirectory("headless-chromium-").FullName;
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        // --no-sandbox: tests run as root in containers, where the sandbox refuses to start.
        // Port 0 plus a private profile lets parallel tests each own a browser without port clashes.
        // --disable-dev-shm-usage: container /dev/shm is often 64 MB, which crashes renderers.
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--remote-debugging-port=0", $"--user-data-dir={userDataDir}", "--no-first-run", "about:blank" })
            psi.ArgumentList.Add(arg);
        var stderr = new StringBuilder();
        var process = new Process { StartInfo = psi };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginErrorReadLine(); // Drain both pipes: a full pipe would block chromium.
        process.BeginOutputReadLine();
        var browser = new HeadlessChromium(process, userDataDir, stderr);
        try { await browser.ConnectAsync(ct); return browser; }
        catch { await browser.DisposeAsync(); throw; }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        var portFile = Path.Combine(_userDataDir, "DevToolsActivePort");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var elapsed = Stopwatch.StartNew();
        string? pageUrl = null;
        while (pageUrl is null)
        {
            if (_process.HasExited)
            {
                // Give the async stderr reader a moment to finish so the error carries chromium's own explanation.
                await Task.WhenAny(_process.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromSeconds(2), ct));
                throw Failure($"chromium exited early with code {_process.ExitCode}");
            }
            if (elapsed.Elapsed > Timeout) throw Failure("chromium did not expose a DevTools page target within 30 s");
            try
            {
                // The file appears once the port is bound; it may briefly be empty or half-written.
                var lines = File.Exists(portFile) ? await File.ReadAllLinesAsync(portFile, ct) : [];
                if (lines.Length > 0 && int.TryParse(lines[0], out var port))
                {
                    using var targets = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list"), ct));
                    pageUrl = targets.RootElement.EnumerateArray()
                        .Where(t => t.GetProperty("type").GetString() == "page" && t.TryGetProperty("webSocketDebuggerUrl", out _))
                        .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            { /* Not ready yet; retry until the deadline. */ }
            if (pageUrl is null) await Task.Delay(100, ct);
        }
        await _socket.ConnectAsync(new Uri(pageUrl), ct);
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(_shutdown.Token), CancellationToken.None);
        foreach (var domain in new[] { "Page", "Runtime", "Log" }) await SendAsync($"{domain}.enable", null, ct);
    }

    public Task NavigateAsync(string url, CancellationToken ct) => AndWaitForLoadAsync(async () =>
    {
        var result = await SendAsync("Page.navigate", new { url }, ct);
        // HTTP 4xx/5xx still load a page; errorText means there was no response at all (refused, DNS, aborted).
        if (result.TryGetProperty("errorText", out var error)) throw new InvalidOperationException($"Navigation to {url} failed: {error}");
        return result;
    }, ct);

    /// <summary>Runs <paramref name="expression"/> (a form submit, a link click) and waits for the next page's load event.</summary>
    public Task<JsonElement> EvaluateAndWaitForNavigationAsync(string expression, CancellationToken ct) =>
        AndWaitForLoadAsync(() => EvaluateAsync(expression, ct), ct);

    /// <summary>Runs <paramref name="action"/>, then waits for the main frame's load event (none fires for hash-only changes).</summary>
    public async Task<T> AndWaitForLoadAsync<T>(Func<Task<T>> action, CancellationToken ct)
    {
        // Subscribe before acting: the load event can arrive before the action's own response.
        var loaded = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _eventWaiters[loaded] = "Page.loadEventFired";
        try { var result = await action(); await loaded.Task.WaitAsync(Timeout, ct); return result; }
        catch (TimeoutException) { throw Failure("Page.loadEventFired did not arrive within 30 s"); }
        finally { _eventWaiters.TryRemove(loaded, out _); }
    }

    /// <summary>Evaluates in the page and awaits promises; returns the JSON value (ValueKind Undefined for undefined).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken ct)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true }, ct);
        if (result.TryGetProperty("exceptionDetails", out var details)) throw new InvalidOperationException($"Script threw: {Describe(details)}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    public async Task<byte[]> ScreenshotAsync(CancellationToken ct)
    {
        // Clip to the whole document so the image is the full page, not just the viewport.
        var size = (await SendAsync("Page.getLayoutMetrics", null, ct)).GetProperty("cssContentSize");
        var clip = new { x = 0, y = 0, width = size.GetProperty("width").GetDouble(), height = size.GetProperty("height").GetDouble(), scale = 1 };
        var result = await SendAsync("Page.captureScreenshot", new { format = "png", captureBeyondViewport = true, clip }, ct);
        return Convert.FromBase64String(result.GetProperty("data").GetString()!);
    }

    /// <summary>mobile=true also honours the page's meta viewport (without one, layout width falls back to 980 px).</summary>
    public Task SetViewportAsync(int width, int height, bool mobile, CancellationToken ct) =>
        SendAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile }, ct);

    private async Task<JsonElement> SendAsync(string method, object? parameters, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var response = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = response;
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
            await _sendLock.WaitAsync(ct);
            try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct); }
            catch (WebSocketException e) { throw ConnectionLost(e); }
            finally { _sendLock.Release(); }
            var message = await response.Task.WaitAsync(Timeout, ct);
            if (message.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{method} failed: {error}");
            return message.GetProperty("result");
        }
        catch (TimeoutException) { throw Failure($"No response to {method} within 30 s"); }
        finally { _pending.TryRemove(id, out _); }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                // Large replies (screenshots, big evaluate results) span many frames; parse only a complete message.
                message.SetLength(0);
                ValueWebSocketReceiveResult frame;
                do
                {
                    frame = await _socket.ReceiveAsync(buffer.AsMemory(), ct);
                    if (frame.MessageType == WebSocketMessageType.Close) throw new WebSocketException("DevTools closed the connection");
                    message.Write(buffer, 0, frame.Count);
                } while (!frame.EndOfMessage);
                Dispatch(message.GetBuffer().AsMemory(0, (int)message.Length));
            }
        }
        catch (Exception e)
        {
            // Fail everything still waiting so callers see why (e.g. a crash) instead of a 30 s timeout.
            foreach (var waiter in _pending.Values.Concat(_eventWaiters.Keys)) waiter.TrySetException(ConnectionLost(e));
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.TryGetProperty("id", out var id))
        {
            if (_pending.TryGetValue(id.GetInt32(), out var response)) response.TrySetResult(root.Clone());
            return;
        }
        var method = root.GetProperty("method").GetString();
        var p = root.TryGetProperty("params", out var ps) ? ps : default;
        var text = method switch
        {
            "Runtime.consoleAPICalled" when p.GetProperty("type").GetString() is "error" or "assert" =>
                $"console.{p.GetProperty("type").GetString()}: {string.Join(" ", p.GetProperty("args").EnumerateArray().Select(DescribeRemote))}"
                + (p.TryGetProperty("stackTrace", out var st) && st.GetProperty("callFrames").GetArrayLength() > 0 ? $" ({st.GetProperty("callFrames")[0].GetProperty("url").GetString()})" : ""),
            "Runtime.exceptionThrown" => $"uncaught: {Describe(p.GetProperty("exceptionDetails"))}",
            "Log.entryAdded" => DescribeLogEntry(p.GetProperty("entry")),
            _ => null,
        };
        if (text is not null) lock (_consoleErrors) _consoleErrors.Add(text);
        foreach (var (waiter, wanted) in _eventWaiters)
            if (wanted == method) waiter.TrySetResult(p.ValueKind == JsonValueKind.Undefined ? default : p.Clone());
    }

    private static string? DescribeLogEntry(JsonElement entry)
    {
        var url = entry.TryGetProperty("url", out var u) ? u.GetString() : null;
        // The browser's own /favicon.ico probe 404s on most test servers, at random times, and is not a page error.
        if (entry.GetProperty("level").GetString() != "error" || url?.EndsWith("/favicon.ico", StringComparison.Ordinal) == true) return null;
        return $"log.{entry.GetProperty("source").GetString()}: {entry.GetProperty("text").GetString()}" + (url is null ? "" : $" ({url})");
    }

    private static string DescribeRemote(JsonElement obj) =>
        obj.TryGetProperty("value", out var v) ? v.ToString() : obj.TryGetProperty("description", out var d) ? d.GetString() ?? "" : obj.GetProperty("type").GetString() ?? "";

    private static string Describe(JsonElement details) =>
        (details.TryGetProperty("exception", out var ex) && ex.TryGetProperty("description", out var d) ? d.GetString() : details.GetProperty("text").GetString())
        + (details.TryGetProperty("url", out var url) ? $" ({url.GetString()}:{details.GetProperty("lineNumber").GetInt32() + 1})" : "");

    private InvalidOperationException ConnectionLost(Exception? inner) =>
        Failure(_process.HasExited ? $"chromium exited with code {_process.ExitCode}" : "DevTools connection lost", inner);

    private InvalidOperationException Failure(string message, Exception? inner = null)
    {
        lock (_stderr) { return new InvalidOperationException($"{message}. chromium stderr:{Environment.NewLine}{_stderr}", inner); }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        // Polite close first so chromium reaps its own helpers; the reply may never arrive.
        try { if (_socket.State == WebSocketState.Open) await SendAsync("Browser.close", null, grace.Token); }
        catch (Exception) { /* closing anyway */ }
        try { await _process.WaitForExitAsync(grace.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        await _shutdown.CancelAsync();
        await _receiveLoop;
        _socket.Dispose(); _process.Dispose(); _shutdown.Dispose(); _sendLock.Dispose();
        for (var attempt = 0; attempt < 10 && Directory.Exists(_userDataDir); attempt++)
        {
            // Chromium helpers may still hold profile files for a moment after the main process exits.
            try { Directory.Delete(_userDataDir, recursive: true); }
            catch (IOException) { await Task.Delay(200, CancellationToken.None); }
        }
    }
}
