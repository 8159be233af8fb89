using PersonalizationEngine.Domain.Decisioning;

namespace PersonalizationEngine.Grains.Offers;

/// <summary>
/// The behavioural context every offer model sees unless <c>Decisioning:Context</c> says otherwise: a bias term plus a
/// few bounded transforms of the customer's live features and the channel of the request (<see cref="ContextEncoder"/>
/// encodes it and whatever the marketer adds).
/// </summary>
public static class OfferContext
{
    public static string[] Names => ContextEncoder.BehaviouralNames;

    /// <summary>The number of behavioural values.</summary>
    public const int Size = 11;

    public static int Dimension => Size;

    /// <summary>The behavioural context alone (benchmarks, tests).</summary>
    public static double[] Build(IReadOnlyDictionary<string, double> f, string channel) => ContextEncoder.Default.Encode(f, null, null, channel);
}
