using System.Text.Json;
using Npgsql;

namespace PersonalizationEngine.Baselines.StatelessPg;

/// <summary>The alternative a user would build: every request goes to PostgreSQL, nothing is kept in memory.</summary>
public static class StatelessPgApi
{
    private static readonly Offer[] Offers =
    [
        new("offer-free-shipping", "add_to_cart", 0.30),
        new("offer-10pct-outerwear", "product_view", 0.20),
        new("offer-loyalty-double-points", "purchase", 0.25),
        new("offer-newsletter", "page_view", 0.10),
    ];

    public static IServiceCollection AddStatelessPg(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new StatelessPgOptions
        {
            ConnectionString = configuration.GetConnectionString("Postgres") ?? "",
            Table = configuration["Baseline:Table"] ?? "pe_baseline_customers",
        };
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(_ => NpgsqlDataSource.Create(options.ConnectionString));
        services.AddSingleton<CustomerStore>();
        return services;
    }

    public static WebApplication MapStatelessPgApi(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Services.GetRequiredService<CustomerStore>().EnsureSchemaAsync(CancellationToken.None).GetAwaiter().GetResult());
        app.MapPost("/api/v1/events", IngestNativeAsync);
        app.MapPost("/v1/batch", IngestSegmentAsync);
        app.MapGet("/api/v1/customers/{customerRef}/next-best-offer", NextBestOfferAsync);
        return app;
    }

    private static async Task<IResult> IngestNativeAsync(HttpContext context, CustomerStore store)
    {
        using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            return Results.Problem("body must be a JSON array of events", statusCode: 400);
        }

        var events = new List<CustomerEvent>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("identifiers", out var ids) || ids.ValueKind != JsonValueKind.Object)
            {
                return Results.Problem("every event needs an 'identifiers' object", statusCode: 400);
            }

            var reference = ids.TryGetProperty("user_id", out var uid) ? "user_id:" + uid.GetString()
                : ids.EnumerateObject().Select(p => p.Name + ":" + p.Value.GetString()).FirstOrDefault();
            if (reference is null)
            {
                return Results.Problem("'identifiers' must hold at least one identifier", statusCode: 400);
            }

            events.Add(new CustomerEvent(reference, Str(e, "channel"), Str(e, "type")));
        }

        await store.ApplyAsync(events, context.RequestAborted).ConfigureAwait(false);
        return Results.Accepted(value: new { accepted = events.Count });
    }

    private static async Task<IResult> IngestSegmentAsync(HttpContext context, CustomerStore store)
    {
        using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        if (!doc.RootElement.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            return Results.Problem("body must have a 'batch' array", statusCode: 400);
        }

        var events = new List<CustomerEvent>();
        foreach (var e in batch.EnumerateArray())
        {
            var reference = e.TryGetProperty("userId", out var uid) ? "user_id:" + uid.GetString()
                : e.TryGetProperty("anonymousId", out var aid) ? "anonymous_id:" + aid.GetString() : null;
            if (reference is null)
            {
                return Results.Problem("every message needs 'userId' or 'anonymousId'", statusCode: 400);
            }

            events.Add(new CustomerEvent(reference, "web", e.TryGetProperty("event", out var name) ? name.GetString() ?? "track" : Str(e, "type")));
        }

        await store.ApplyAsync(events, context.RequestAborted).ConfigureAwait(false);
        return Results.Ok(new { success = true });
    }

    private static async Task<IResult> NextBestOfferAsync(string customerRef, HttpContext context, CustomerStore store, int? limit)
    {
        var row = await store.FindAsync(customerRef, context.RequestAborted).ConfigureAwait(false);
        var counters = new Dictionary<string, long>();
        if (row is not null)
        {
            counters = JsonSerializer.Deserialize<Dictionary<string, long>>(row.CountersJson) ?? counters;
        }

        var total = Math.Max(1, row?.EventCount ?? 0);
        // A deliberately trivial score: prior plus the share of the customer's events that drive each offer.
        var offers = Offers
            .Select(o =>
            {
                var share = counters.GetValueOrDefault(o.Driver) / (double)total;
                var score = Math.Round(o.Prior + share, 4);
                return new OfferDto(o.OfferId, score, Math.Round(Math.Min(1, score / 2), 4), [$"driver:{o.Driver}", $"events:{total}"]);
            })
            .OrderByDescending(o => o.Score)
            .Take(Math.Clamp(limit ?? 3, 1, Offers.Length))
            .ToList();
        return Results.Ok(new NboResponse(Guid.NewGuid().ToString(), offers));
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
}
