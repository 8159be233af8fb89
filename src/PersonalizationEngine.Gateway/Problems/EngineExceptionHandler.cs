using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Gateway.Problems;

/// <summary>
/// Turns exceptions from any layer into problem details: a customer's call queue at Orleans' limit is 429, a silo
/// that refuses or is shutting down is 503, storage trouble is 503, each with Retry-After, so clients back off and retry (acked events are
/// never among them); malformed input is 400/413. Anything else is a 500 without internals.
/// </summary>
public sealed partial class EngineExceptionHandler(ILogger<EngineExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // Orleans wraps a storage provider's error ("Error from storage provider ..."): answer for the store's own error.
        while (exception is Orleans.Runtime.OrleansException { InnerException: { } inner } and not Orleans.Storage.InconsistentStateException)
        {
            exception = inner;
        }
        switch (exception)
        {
            case Orleans.Runtime.LimitExceededException:
                await ProblemWriter.WriteAsync(context, 429, "Too many requests for this customer.",
                    "Too many calls are queued for this customer; retry after the indicated delay. Nothing of this request was stored.", retryAfter: TimeSpan.FromSeconds(1));
                return true;
            case Orleans.Runtime.GatewayTooBusyException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException:
                await ProblemWriter.WriteAsync(context, 503, "The engine is at capacity.", "The actor runtime refused the call; retry after the indicated delay. Nothing of this request was stored.", retryAfter: TimeSpan.FromSeconds(1));
                return true;
            case StaleWriterException or Orleans.Storage.InconsistentStateException or PersonalizationEngine.Storage.InconsistentStateException:
                // A duplicate activation during a membership change lost its claim, or two of them raced to create one
                // customer's data key and this one lost: nothing of this call was stored; the retry reaches the survivor.
                await ProblemWriter.WriteAsync(context, 503, "The cluster is moving this customer.", "The customer's owner changed during the call; nothing of this request was stored. Retry after the indicated delay (same event ids are safe).", retryAfter: TimeSpan.FromSeconds(1));
                return true;
            case StorageUnavailableException or DbException or TimeoutException:
                LogStorageUnavailable(logger, exception, RouteOf(context));
                await ProblemWriter.WriteAsync(context, 503, "Storage is unavailable.", "The engine could not persist or read data; nothing unacknowledged was stored. Retry later.", retryAfter: TimeSpan.FromSeconds(2));
                return true;
            case PersonalizationEngine.Grains.Ingestion.IngestOverloadedException overloaded:
                await ProblemWriter.WriteAsync(context, 503, "The engine is at capacity.", overloaded.Message + " Retry after the indicated delay.", retryAfter: overloaded.RetryAfter);
                return true;
            case PersonalizationEngine.Contracts.IngestAbandonedException abandoned:
                await ProblemWriter.WriteAsync(context, 503, "The batch was not stored.", abandoned.Message, retryAfter: TimeSpan.FromSeconds(1));
                return true;
            case ObjectDisposedException or OperationCanceledException when !context.RequestAborted.IsCancellationRequested && context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested:
                await ProblemWriter.WriteAsync(context, 503, "The engine is shutting down.", "Retry on another instance or after restart.", retryAfter: TimeSpan.FromSeconds(5));
                return true;
            case BadHttpRequestException { InnerException: JsonException json }:
                // A typed body the framework could not bind: malformed JSON or a wrong type at a field.
                await ProblemWriter.WriteAsync(context, 400, "The body is not valid JSON.", json.Message, FieldOf(json.Path));
                return true;
            case BadHttpRequestException bad:
                await ProblemWriter.WriteAsync(context, bad.StatusCode, bad.StatusCode == 413 ? "Request body too large." : "Bad request.", bad.Message, ParameterOf(bad.Message) ?? "body");
                return true;
            case JsonException json:
                await ProblemWriter.WriteAsync(context, 400, "The body is not valid JSON.", json.Message, FieldOf(json.Path));
                return true;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true; // the client went away; nobody is listening
            case Orleans.Runtime.OrleansException orleans:
                // The runtime could not deliver the call (a node died mid-call, the directory is moving): transient.
                LogClusterUnavailable(logger, orleans, RouteOf(context));
                await ProblemWriter.WriteAsync(context, 503, "The cluster is unavailable.", "The call could not reach the customer's node; retry after the indicated delay (same event ids are safe).", retryAfter: TimeSpan.FromSeconds(1));
                return true;
            default:
                LogUnhandled(logger, exception, context.Request.Method, RouteOf(context));
                await ProblemWriter.WriteAsync(context, 500, "Internal error.", "The engine failed to process the request; it has been logged.");
                return true;
        }
    }

    // The route pattern, never the path: a path can hold a customer's e-mail address or phone number.
    private static string RouteOf(HttpContext context) => (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";

    /// <summary>The request field a JSON path points at: <c>$.consents[0].granted</c> → <c>consents[0].granted</c>; the root is <c>body</c>.</summary>
    internal static string FieldOf(string? path) => path switch
    {
        null or "" or "$" => "body",
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ when path.StartsWith('$') => path[1..],
        _ => path,
    };

    // The framework's binding failures read 'Failed to bind parameter "int? limit" from "x".' (or 'Required parameter
    // "string id" was not provided ...'): the parameter's name is the field.
    [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?:[^\"]+ )?([A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial System.Text.RegularExpressions.Regex ParameterName();

    private static string? ParameterOf(string message) => ParameterName().Match(message) is { Success: true } m ? m.Groups[1].Value : null;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Storage unavailable for {Route}")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception, string route);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "The actor runtime could not deliver a call on {Route}; answered 503.")]
    private static partial void LogClusterUnavailable(ILogger logger, Exception exception, string route);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Unhandled error for {Method} {Route}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string route);
}
