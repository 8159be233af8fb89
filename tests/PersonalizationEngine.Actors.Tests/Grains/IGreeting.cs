namespace PersonalizationEngine.Actors.Tests.Grains;

public interface IGreeting
{
    string Text { get; }
}
