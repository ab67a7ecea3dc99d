using System.Net;
using System.Net.Sockets;

namespace Aggregator.Tests.TestSupport;

/// <summary>A loopback TCP relay in front of a real server (PostgreSQL), to take the server away
/// from a running service as networks do: frozen (connections stay open, nothing comes back)
/// or cut (every connection closed, new ones refused).</summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _frozen, _cut;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TcpRelay(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>Bytes stop flowing both ways; connections stay open.</summary>
    public void Freeze() => _frozen = true;

    /// <summary>Every connection is closed, and new ones are closed at once.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_open) foreach (var c in _open) c.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            if (_cut) { client.Dispose(); continue; }
            var server = new TcpClient();
            try { await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token); }
            catch (Exception) { client.Dispose(); server.Dispose(); continue; }
            lock (_open) { _open.Add(client); _open.Add(server); }
            _ = PumpAsync(client.GetStream(), server.GetStream());
            _ = PumpAsync(server.GetStream(), client.GetStream());
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                while (_frozen && !_cut) await Task.Delay(50, _stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception) { }
        from.Close();
        to.Close();
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_open) foreach (var c in _open) c.Dispose();
        return ValueTask.CompletedTask;
    }
}
