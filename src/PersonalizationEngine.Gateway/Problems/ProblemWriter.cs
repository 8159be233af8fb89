using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace PersonalizationEngine.Gateway.Problems;

/// <summary>Writes RFC 9457 problem details outside endpoint code (auth, rate limits, exception handler).</summary>
public static class ProblemWriter
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string? field = null, TimeSpan? retryAfter = null)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        context.Response.StatusCode = status;
        if (retryAfter is { } r) context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(r.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = ProblemTypes.For(status),
            Instance = context.Request.Path,
        };
        if (field is not null) problem.Extensions["field"] = field;
        problem.Extensions["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
