using System.Text;

namespace PersonalizationEngine.Baselines.Floor;

/// <summary>
/// The floor: bare Kestrel answering with a fixed NBO-sized document (about 600 bytes, the size of the engine's answer with three offers) and 202 to events,
/// without reading anything. No server can do the same HTTP work faster on this machine.
/// </summary>
public static class FloorApi
{
    public static readonly byte[] NboDocument = Encoding.UTF8.GetBytes(
        """{"decisionId":"0b6f5d3e-6a34-4c1b-9f55-3a0a5e1c2d77","offers":[{"offerId":"offer-free-shipping","score":0.8731,"propensity":0.4127,"reasons":["recent_product_views","segment:frequent_buyers","channel:web"]},{"offerId":"offer-10pct-outerwear","score":0.7412,"propensity":0.2951,"reasons":["category_affinity:outerwear","basket_abandoned_24h"]},{"offerId":"offer-loyalty-double-points","score":0.6058,"propensity":0.1873,"reasons":["loyalty_tier:silver","days_since_purchase:12","segment:email_engaged","placement:home"]}],"modelVersion":"baseline-floor-1","expiresAt":"2026-11-24T12:00:00Z"}""");

    private static readonly byte[] Accepted = Encoding.UTF8.GetBytes("""{"accepted":true}""");

    public static WebApplication MapFloorApi(this WebApplication app)
    {
        app.MapGet("/api/v1/customers/{customerRef}/next-best-offer", WriteNbo);
        app.MapPost("/api/v1/events", AcceptAsync);
        app.MapPost("/v1/batch", AcceptAsync);
        return app;
    }

    private static Task WriteNbo(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = NboDocument.Length;
        return context.Response.Body.WriteAsync(NboDocument).AsTask();
    }

    private static async Task AcceptAsync(HttpContext context)
    {
        // Drain the body so the connection stays usable for keep-alive, as a real server would.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Accepted, context.RequestAborted).ConfigureAwait(false);
    }
}
