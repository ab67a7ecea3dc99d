using Aggregator.Publishing;

namespace Aggregator.Mail;

/// <summary>/mail/unsubscribe: GET shows a confirmation button (mail scanners follow links, so a
/// GET must not unsubscribe anyone); POST unsubscribes, as the button and RFC 8058's one-click do.</summary>
public static class UnsubscribeEndpoints
{
    public static void MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        app.MapGet("/mail/unsubscribe", async (string? address, string? token, UnsubscribeLinks links, HttpContext http, CancellationToken ct) =>
        {
            Secure(http.Response);
            if (!await ValidAsync(address, token, links, ct)) return Invalid();
            var action = $"/mail/unsubscribe?address={Uri.EscapeDataString(address!)}&token={Uri.EscapeDataString(token!)}";
            return Page("Unsubscribe", $"""
                <p>Stop all alerts and digests to <strong>{EntryText.Encode(address!)}</strong>?</p>
                <form method="post" action="{EntryText.Encode(action)}"><button type="submit">Unsubscribe</button></form>
                """);
        });
        app.MapPost("/mail/unsubscribe", async (string? address, string? token, UnsubscribeLinks links, HttpContext http, CancellationToken ct) =>
        {
            Secure(http.Response);
            if (!await ValidAsync(address, token, links, ct)) return Invalid();
            await links.UnsubscribeAsync(address!.Trim(), ct);
            return Page("Unsubscribed", $"<p><strong>{EntryText.Encode(address)}</strong> gets no more mail from this service.</p>");
        });
    }

    /// <summary>The page's address carries the token: it is not framed by other sites (a click
    /// steered onto the button), not sent on as a referrer, and loads nothing but the stylesheet.</summary>
    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static async Task<bool> ValidAsync(string? address, string? token, UnsubscribeLinks links, CancellationToken ct) =>
        !string.IsNullOrWhiteSpace(address) && !string.IsNullOrEmpty(token) && await links.IsValidAsync(address.Trim(), token, ct);

    private static IResult Invalid() => Results.Content(Html("Not a valid link",
        "<p>This unsubscribe link is not valid: the address or its token was changed or cut off. Use the link from a message as it is.</p>"),
        "text/html; charset=utf-8", statusCode: 400);

    private static IResult Page(string title, string body) => Results.Content(Html(title, body), "text/html; charset=utf-8");

    private static string Html(string title, string body) => $"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>{title}</title><link rel="stylesheet" href="/assets/site.css"></head>
        <body><main><h1>{title}</h1>{body}</main></body></html>
        """;
}
