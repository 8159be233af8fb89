namespace PersonalizationEngine.Domain.Events;

/// <summary>One problem with an input event; <see cref="Field"/> names the field, e.g. <c>identifiers.email</c>.</summary>
public sealed record ValidationError(string Field, string Message);
