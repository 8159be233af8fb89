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
public sealed class EngineExceptionHandler(ILogger<EngineExceptionHandler> logger) : IExceptionHandler
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
            case StorageUnavailableException or DbException or TimeoutException:
                logger.LogWarning(exception, "Storage unavailable for {Path}", context.Request.Path);
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
            case BadHttpRequestException bad:
                await ProblemWriter.WriteAsync(context, bad.StatusCode, bad.StatusCode == 413 ? "Request body too large." : "Bad request.", bad.Message, "body");
                return true;
            case JsonException json:
                await ProblemWriter.WriteAsync(context, 400, "The body is not valid JSON.", json.Message, "body" + (json.Path is { Length: > 1 } p ? p[1..] : ""));
                return true;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true; // the client went away; nobody is listening
            default:
                logger.LogError(exception, "Unhandled error for {Method} {Path}", context.Request.Method, context.Request.Path);
                await ProblemWriter.WriteAsync(context, 500, "Internal error.", "The engine failed to process the request; it has been logged.");
                return true;
        }
    }
}
