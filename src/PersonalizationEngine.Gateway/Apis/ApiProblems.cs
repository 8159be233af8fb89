using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>RFC 9457 problem results for the data routes, naming the bad field.</summary>
internal static class ApiProblems
{
    public static IResult Validation(IReadOnlyList<ValidationError> errors, string? detail = null) =>
        Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is not valid.",
            detail: detail ?? errors.FirstOrDefault()?.Message,
            type: "https://datatracker.ietf.org/doc/html/rfc9110#section-15.5.1",
            extensions: new Dictionary<string, object?>
            {
                ["field"] = errors.FirstOrDefault()?.Field,
                ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToArray(),
            });

    public static IResult Field(string field, string message) => Validation([new ValidationError(field, message)]);

    public static IResult NotFound(string field, string detail) =>
        Results.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found.",
            detail: detail,
            type: "https://datatracker.ietf.org/doc/html/rfc9110#section-15.5.5",
            extensions: new Dictionary<string, object?> { ["field"] = field });
}
