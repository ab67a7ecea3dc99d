using System.CommandLine;

namespace Aggregator.Cli;

/// <summary>`aggregator healthcheck`: asks the running service's /readyz and exits 0 when it is
/// ready, 1 when not. For a container's HEALTHCHECK: the runtime image has no curl.</summary>
public static class HealthcheckCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "What to ask (default: /readyz on the port of ASPNETCORE_HTTP_PORTS or ASPNETCORE_URLS, else 8080)" };
        var command = new Command("healthcheck", "Exit 0 when the service on this machine is ready (GET /readyz answers 200), else 1.") { url };
        command.SetAction(async (result, ct) =>
        {
            var target = result.GetValue(url) ?? DefaultUrl();
            if (!Uri.TryCreate(target, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                Console.Error.WriteLine($"healthcheck: --url must be an http(s) address such as http://127.0.0.1:8080/readyz (was \"{target}\")");
                return 1; // a container runtime reserves 2
            }
            if (address.AbsolutePath == "/")
                target = new Uri(address, "/readyz").AbsoluteUri; // the service's address alone: its readiness, not its front page
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(target, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                Console.WriteLine($"{(int)response.StatusCode} {body}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.WriteLine($"{target}: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Where the service listens, as ASP.NET Core chooses it: ASPNETCORE_URLS first (it
    /// overrides the ports; the image sets ASPNETCORE_HTTP_PORTS, and a container given
    /// ASPNETCORE_URLS was reported unhealthy for ever), then ASPNETCORE_HTTP_PORTS, then 8080. A
    /// wildcard host is asked on the loopback interface.</summary>
    public static string DefaultUrl()
    {
        // Plain HTTP first when both are listed: a certificate names a host, not 127.0.0.1.
        var urls = (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if ((urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? urls.FirstOrDefault()) is { Length: > 0 } first
            && first.IndexOf("://", StringComparison.Ordinal) is var scheme and > 0)
        {
            var authority = first[(scheme + 3)..].TrimEnd('/');
            var colon = authority.LastIndexOf(':');
            var (host, port) = colon > authority.LastIndexOf(']') ? (authority[..colon], authority[(colon + 1)..]) : (authority, first.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? "443" : "80");
            if (host is "+" or "*" or "0.0.0.0" or "[::]" or "") host = "127.0.0.1";
            return $"{first[..scheme]}://{host}:{port}/readyz";
        }
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(';', ',')[0].Trim();
        return $"http://127.0.0.1:{(string.IsNullOrEmpty(ports) ? "8080" : ports)}/readyz";
    }
}
