namespace PersonalizationEngine.Actors.Tests.Grains;

public sealed record Greeting(string Text) : IGreeting;
