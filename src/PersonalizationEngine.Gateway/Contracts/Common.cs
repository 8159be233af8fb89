using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Gateway.Contracts;

/// <summary>One bad field of a request: the path of the field (<c>consents[0].purpose</c>) and what is wrong.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// A request body that checks itself after the framework bound it; <see cref="Validation.RequestValidationFilter"/>
/// answers 400 problem details naming every bad field before the handler runs.
/// </summary>
public interface IValidatedRequest
{
    IReadOnlyList<ValidationError> Validate();
}
