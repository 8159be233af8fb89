namespace PersonalizationEngine.Actors.Runtime;

/// <summary>Write-behind: persists dirty state as a turn so it never races the grain's own code.</summary>
internal sealed class WriteBackMessage(Activation origin) : InternalMessage(origin)
{
    public override bool CountsAsUse => false;

    public override bool Forwardable => false;

    public override Task? Start(Grain grain) => Finish(grain.WriteBackAsync);
}
