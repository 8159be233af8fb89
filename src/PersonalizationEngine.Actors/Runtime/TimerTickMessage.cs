namespace PersonalizationEngine.Actors.Runtime;

internal sealed class TimerTickMessage(Activation origin, GrainTimer timer) : InternalMessage(origin)
{
    public override bool CountsAsUse => false;

    // A tick belongs to the activation that registered the timer; it dies with it.
    public override bool Forwardable => false;

    public override Task? Start(Grain grain)
    {
        timer.TickStarted();
        return Finish(timer.Callback);
    }
}
