namespace PersonalizationEngine.Domain.Identity;

/// <summary>An identifier of the event that was not used, and why (blocked value, limit, refused merge).</summary>
public sealed record DroppedIdentifier(string Type, string Reason);
