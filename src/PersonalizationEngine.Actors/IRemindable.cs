namespace PersonalizationEngine.Actors;

/// <summary>Implemented by grains that register durable reminders (Orleans' IRemindable).</summary>
public interface IRemindable
{
    /// <summary>Runs as a turn of the grain when the reminder named <paramref name="reminderName"/> is due.</summary>
    Task ReceiveReminderAsync(string reminderName, CancellationToken cancellationToken);
}
