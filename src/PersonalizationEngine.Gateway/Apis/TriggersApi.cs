using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Grains.Triggers;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Triggers (segment enter/leave, churn high, event type → signed webhook) and their dead letters.</summary>
internal static class TriggersApi
{
    public static IEndpointRouteBuilder MapTriggersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapCatalog<TriggerRecord>("/api/v1/triggers", "Triggers",
            """{"id":"churn-alert","name":"Churn alert to CRM","on":{"kind":"churn_high"},"webhook":{"url":"https://crm.example/hooks/churn","secret":"change-me-0123456789"},"maxAttempts":5}""",
            sp => sp.GetRequiredService<WebhookDispatcher>().Triggers,
            t => t.Validate(),
            t => t.Id,
            t => t.Redacted());
        group.MapGet("/dead-letters", DeadLetters).WithName("ListDeadLetters").WithSummary("Deliveries that failed every attempt.");
        group.MapGet("/outbox", Outbox).WithName("ListPendingDeliveries").WithSummary("Deliveries waiting for a retry in the durable outbox (they survive a restart).");
        group.MapDelete("/dead-letters/{id}", DeleteDeadLetterAsync).WithName("DeleteDeadLetter").WithSummary("Forget a dead letter.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static Ok<DeadLetter[]> DeadLetters(WebhookDispatcher d) => TypedResults.Ok(d.DeadLetters.All.OrderByDescending(x => x.At).ToArray());

    private static Ok<PendingDeliveryView[]> Outbox(WebhookDispatcher d) =>
        TypedResults.Ok(d.Outbox.All.OrderBy(x => x.NextAttemptAt).Select(x => new PendingDeliveryView(x.Id, x.TriggerId, x.Attempts, x.NextAttemptAt, x.LastError, x.CreatedAt)).ToArray());

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteDeadLetterAsync(string id, WebhookDispatcher d, CancellationToken ct) =>
        await d.DeadLetters.DeleteAsync(id, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("id", $"No dead letter '{id}'.");
}

/// <summary>A delivery waiting for a retry (the payload is not listed: it names a profile).</summary>
public sealed record PendingDeliveryView(string Id, string TriggerId, int Attempts, DateTimeOffset NextAttemptAt, string LastError, DateTimeOffset CreatedAt);
