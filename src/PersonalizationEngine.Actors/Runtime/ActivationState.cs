namespace PersonalizationEngine.Actors.Runtime;

internal enum ActivationState
{
    Created,
    Active,
    Deactivating,
    Deactivated,
}
