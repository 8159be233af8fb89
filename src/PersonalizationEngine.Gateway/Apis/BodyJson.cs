using System.Text.Json;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>
/// Reads a request body as a JSON document whatever its content type (SDKs send text/plain or form types;
/// gzip is undone by the request decompression middleware), with the engine's nesting limit.
/// </summary>
internal sealed class BodyJson : IDisposable
{
    public JsonDocument? Document { get; private init; }
    public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Error { get; private init; }

    public static async Task<BodyJson> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, ct);
            return new BodyJson { Document = doc };
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } path ? "body" + path[1..] : "body";
            return new BodyJson { Error = ApiProblems.Field(where, "The body is not valid JSON: " + ex.Message) };
        }
    }

    public void Dispose() => Document?.Dispose();
}
