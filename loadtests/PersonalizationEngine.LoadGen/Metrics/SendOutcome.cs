namespace PersonalizationEngine.LoadGen.Metrics;

/// <summary>What one request returned: HTTP status (0 = transport error) and whether Retry-After was sent.</summary>
public readonly record struct SendOutcome(int StatusCode, bool HasRetryAfter)
{
    public static SendOutcome TransportError => new(0, false);

    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
