namespace PersonalizationEngine.Actors;

/// <summary>
/// The stable name a grain class is stored under (state records, reminders). Without it the class name is
/// used, which breaks persisted data on a rename; production grains should always carry one.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
