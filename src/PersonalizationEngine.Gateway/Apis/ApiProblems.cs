using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Problems;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>RFC 9457 problem results for the data routes, naming the bad field (<c>field</c>, and <c>errors</c> listing all).</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Validation(IReadOnlyList<ValidationError> errors, string? detail = null) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is not valid.",
            detail: detail ?? errors.FirstOrDefault()?.Message,
            type: ProblemTypes.For(StatusCodes.Status400BadRequest),
            extensions: new Dictionary<string, object?>
            {
                ["field"] = errors.FirstOrDefault()?.Field,
                ["errors"] = errors.Select(e => new FieldError(e.Field, e.Message)).ToArray(),
            });

    public static ProblemHttpResult Field(string field, string message) => Validation([new ValidationError(field, message)]);

    public static ProblemHttpResult NotFound(string field, string detail) => Status(StatusCodes.Status404NotFound, "Not found.", detail, field);

    public static ProblemHttpResult Conflict(string field, string title, string detail) => Status(StatusCodes.Status409Conflict, title, detail, field);

    /// <summary>503 with Retry-After: the engine is at capacity and nothing of the request was stored.</summary>
    public static ProblemHttpResult Overloaded(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(IngestionService.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The engine is at capacity.",
            detail: detail + " Retry after the indicated delay.",
            type: ProblemTypes.For(StatusCodes.Status503ServiceUnavailable),
            instance: http.Request.Path,
            extensions: new Dictionary<string, object?> { ["traceId"] = System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier });
    }

    public static ProblemHttpResult Status(int status, string title, string detail, string? field = null) =>
        TypedResults.Problem(
            statusCode: status,
            title: title,
            detail: detail,
            type: ProblemTypes.For(status),
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });
}
