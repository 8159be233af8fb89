namespace PersonalizationEngine.Actors.Runtime;

internal sealed class ReminderMessage(Activation origin, string reminderName) : InternalMessage(origin)
{
    public override Task? Start(Grain grain)
    {
        if (grain is not IRemindable remindable)
        {
            Fail(new InvalidOperationException($"{grain.GetType().Name} has a reminder '{reminderName}' but does not implement {nameof(IRemindable)}."));
            return null;
        }

        return Finish(() => remindable.ReceiveReminderAsync(reminderName, Origin.System.StoppingToken));
    }
}
