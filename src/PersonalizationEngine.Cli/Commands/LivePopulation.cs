namespace PersonalizationEngine.Cli.Commands;

/// <summary>
/// A synthetic population with a known optimal policy: customers carry CRM attributes (<c>history_segment</c>, <c>vip</c>,
/// <c>country</c>, <c>age</c>), and each of four offers has a click-through rate that depends on <c>history_segment</c>
/// and <c>vip</c> (additively, so a linear model per offer can represent it); <c>country</c> and <c>age</c> are noise.
/// The best offer differs by segment, so the optimum is personalised and no single offer comes close.
/// </summary>
internal sealed class LivePopulation
{
    public static readonly string[] Offers = ["welcome-pack", "free-shipping", "loyalty-points", "premium-trial"];
    private static readonly string[] Segments = ["new", "regular", "loyal"];
    private static readonly string[] Countries = ["GB", "IE", "FR", "DE"];

    /// <summary>CTR by segment (rows: new, regular, loyal) and offer (columns as <see cref="Offers"/>), before the VIP bonus.</summary>
    private static readonly double[,] BaseCtr =
    {
        { 0.20, 0.10, 0.04, 0.03 },
        { 0.05, 0.18, 0.08, 0.06 },
        { 0.03, 0.10, 0.22, 0.08 },
    };

    /// <summary>VIP customers like the premium trial much more.</summary>
    private const double VipPremiumBonus = 0.25;

    public LivePopulation(int customers, int seed)
    {
        var random = new Random(seed);
        People = [.. Enumerable.Range(0, customers).Select(i => new Person(
            $"syn-{seed}-{i}", random.Next(Segments.Length), random.NextDouble() < 0.2, Countries[random.Next(Countries.Length)], 18 + random.Next(60)))];
    }

    public IReadOnlyList<Person> People { get; }

    public sealed record Person(string UserId, int Segment, bool Vip, string Country, int Age)
    {
        public string SegmentName => Segments[Segment];

        public IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object>
        {
            ["history_segment"] = SegmentName, ["vip"] = Vip, ["country"] = Country, ["age"] = Age,
        };
    }

    public static double Ctr(Person p, string offer)
    {
        var o = Array.IndexOf(Offers, offer);
        if (o < 0) return 0;
        return BaseCtr[p.Segment, o] + (p.Vip && offer == "premium-trial" ? VipPremiumBonus : 0);
    }

    public static string Optimal(Person p) => Offers.MaxBy(o => Ctr(p, o))!;

    /// <summary>The expected reward per decision of always showing <paramref name="offer"/> to this population.</summary>
    public double FixedValue(string offer) => People.Average(p => Ctr(p, offer));

    public double OptimalValue => People.Average(p => Ctr(p, Optimal(p)));

    public double RandomValue => People.Average(p => Offers.Average(o => Ctr(p, o)));

    public string BestFixed => Offers.MaxBy(FixedValue)!;

    /// <summary>The engine configuration that makes these attributes the models' context (environment variable form).</summary>
    public static IEnumerable<(string Key, string Value)> EngineContext() =>
    [
        ("Decisioning__Context__Attributes__0__Name", "history_segment"),
        ("Decisioning__Context__Attributes__0__Kind", "category"),
        ("Decisioning__Context__Attributes__0__Values__0", "new"),
        ("Decisioning__Context__Attributes__0__Values__1", "regular"),
        ("Decisioning__Context__Attributes__0__Values__2", "loyal"),
        ("Decisioning__Context__Attributes__1__Name", "vip"),
        ("Decisioning__Context__Attributes__1__Kind", "boolean"),
        ("Decisioning__Context__Attributes__2__Name", "country"),
        ("Decisioning__Context__Attributes__2__Kind", "category"),
        ("Decisioning__Context__Attributes__2__Buckets", "4"),
        ("Decisioning__Context__Attributes__3__Name", "age"),
        ("Decisioning__Context__Attributes__3__Kind", "number"),
        ("Decisioning__Context__Attributes__3__Min", "18"),
        ("Decisioning__Context__Attributes__3__Max", "80"),
    ];
}
