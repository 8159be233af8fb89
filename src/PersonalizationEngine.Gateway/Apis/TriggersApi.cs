using PersonalizationEngine.Grains.Triggers;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Triggers (segment enter/leave, churn high, event type → signed webhook) and their dead letters.</summary>
internal static class TriggersApi
{
    public static IEndpointRouteBuilder MapTriggersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapCatalog<TriggerRecord>("/api/v1/triggers", "Triggers",
            sp => sp.GetRequiredService<WebhookDispatcher>().Triggers,
            t => t.Validate(),
            t => t.Id,
            t => t.Redacted());
        group.MapGet("/dead-letters", (WebhookDispatcher d) => Results.Ok(d.DeadLetters.All.OrderByDescending(x => x.At)))
            .WithSummary("Deliveries that failed every attempt.");
        group.MapDelete("/dead-letters/{id}", async (string id, WebhookDispatcher d, CancellationToken ct) =>
            await d.DeadLetters.DeleteAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound("id", $"No dead letter '{id}'."));
        return app;
    }
}
