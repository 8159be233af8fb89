namespace PersonalizationEngine.Actors.Tests.Grains;

public sealed class OrderState
{
    public long Count { get; set; }

    public long Violations { get; set; }

    public Dictionary<int, long> Last { get; set; } = [];
}
