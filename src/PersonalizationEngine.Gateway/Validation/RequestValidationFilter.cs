using PersonalizationEngine.Gateway.Apis;
using PersonalizationEngine.Gateway.Contracts;

namespace PersonalizationEngine.Gateway.Validation;

/// <summary>
/// Runs <see cref="IValidatedRequest.Validate"/> on every bound argument that has it, and answers 400 problem
/// details naming each bad field before the handler runs. Binding errors (malformed JSON, a wrong type at a
/// field) never reach it: the framework throws and <c>EngineExceptionHandler</c> names the field from the JSON path.
/// </summary>
internal sealed class RequestValidationFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            if (context.Arguments[i] is IValidatedRequest request && request.Validate() is { Count: > 0 } errors)
            {
                return ValueTask.FromResult<object?>(ApiProblems.Validation(errors));
            }
        }
        return next(context);
    }
}

/// <summary>An example body shown in the OpenAPI document (and so on the docs page) for the route's request.</summary>
public sealed record RequestExampleMetadata(string Json);

/// <summary>
/// The body a route reads itself (item by item, or as an artefact), for the OpenAPI document only. Unlike
/// <c>Accepts</c> it does not constrain routing by content type (that would answer 415 to SDKs sending text/plain).
/// </summary>
public sealed record DocumentedBodyMetadata(Type Type, string ContentType);

internal static class ValidationEndpointExtensions
{
    /// <summary>Validates the route's typed body (see <see cref="RequestValidationFilter"/>).</summary>
    public static TBuilder ValidateRequest<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new RequestValidationFilter());

    /// <summary>Documents an example request body.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, string json) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExampleMetadata(json));
}
