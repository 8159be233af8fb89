namespace PersonalizationEngine.Domain.Events;

/// <summary>Either a standardised event or the list of errors (each naming its field).</summary>
public sealed record StandardizeResult(CustomerEvent? Event, IReadOnlyList<ValidationError> Errors)
{
    public bool IsValid => Event is not null && Errors.Count == 0;
}
