namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>One HTTP request to send: a GET when <see cref="Body"/> is null, else a JSON POST.</summary>
public sealed record RequestSpec(string PathAndQuery, byte[]? Body, int EventCount, AuthKind Auth);
