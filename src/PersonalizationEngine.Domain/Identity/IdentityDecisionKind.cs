namespace PersonalizationEngine.Domain.Identity;

/// <summary>What the identity layer must do with an event.</summary>
public enum IdentityDecisionKind
{
    /// <summary>No usable identifier maps to a profile: create one.</summary>
    Create,
    /// <summary>All mapped identifiers lead to one profile.</summary>
    Attach,
    /// <summary>The event links several profiles: merge them into the survivor.</summary>
    Merge,
    /// <summary>Every identifier was blocked or refused: the event cannot be attributed.</summary>
    Reject,
}
