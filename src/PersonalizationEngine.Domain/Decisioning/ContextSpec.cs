using System.Globalization;
using PersonalizationEngine.Domain.Profiles;

namespace PersonalizationEngine.Domain.Decisioning;

/// <summary>
/// What the offer models learn from, chosen by the marketer for the catalogue (configuration section
/// <c>Decisioning:Context</c>): the engine's behavioural features, profile attributes sent by CRM/POS/web events
/// (numbers, booleans, categories such as <c>history_segment</c> or <c>country</c>), any computed feature and segment
/// membership. Every entry maps to a fixed number of values in [0, 1], so the dimension is fixed by the configuration
/// and no request can grow it.
/// </summary>
public sealed class ContextSpec
{
    /// <summary>Most values a context may have (each offer's model is d×d).</summary>
    public const int MaxDimension = 64;

    /// <summary>Include the 11 behavioural values (bias, recency, orders, AOV, churn, activity, cart, e-mail engagement, channel).</summary>
    public bool Behavioural { get; set; } = true;

    public List<ContextAttribute> Attributes { get; set; } = [];

    public List<ContextFeature> Features { get; set; } = [];

    /// <summary>Segment ids: 1 while the customer is a member.</summary>
    public List<string> Segments { get; set; } = [];

    /// <summary>Problems, each naming its key under <paramref name="prefix"/> (e.g. <c>Decisioning:Context</c>).</summary>
    public IReadOnlyList<(string Key, string Message)> Validate(string prefix)
    {
        var errors = new List<(string, string)>();
        for (var i = 0; i < Attributes.Count; i++)
        {
            var a = Attributes[i];
            var key = $"{prefix}:Attributes:{i}";
            if (string.IsNullOrWhiteSpace(a.Name)) errors.Add(($"{key}:Name", "must name a profile attribute."));
            if (!ContextAttribute.Kinds.Contains(a.Kind ?? "")) errors.Add(($"{key}:Kind", "must be number, boolean or category."));
            if (a.Buckets is < 0 or > 32) errors.Add(($"{key}:Buckets", "must be 1 to 32 (hashed categories)."));
            if (a.Values is { Count: > 32 }) errors.Add(($"{key}:Values", "lists at most 32 values (hash larger vocabularies with Buckets)."));
            if (a.Scale is <= 0 || a.Scale is { } s && !double.IsFinite(s)) errors.Add(($"{key}:Scale", "must be a positive number."));
            if (a.Max is { } max && !(max > (a.Min ?? 0))) errors.Add(($"{key}:Max", "must be above Min."));
        }
        for (var i = 0; i < Features.Count; i++)
        {
            var f = Features[i];
            if (string.IsNullOrWhiteSpace(f.Name)) errors.Add(($"{prefix}:Features:{i}:Name", "must name a feature."));
            if (f.Scale is <= 0 || !double.IsFinite(f.Scale)) errors.Add(($"{prefix}:Features:{i}:Scale", "must be a positive number."));
        }
        for (var i = 0; i < Segments.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Segments[i])) errors.Add(($"{prefix}:Segments:{i}", "must name a segment."));
        }
        if (errors.Count == 0 && new ContextEncoder(this).Dimension is var d && d > MaxDimension)
        {
            errors.Add((prefix, $"has {d} values; at most {MaxDimension} (hash categories into fewer Buckets)."));
        }
        if (errors.Count == 0 && new ContextEncoder(this).Dimension == 0) errors.Add((prefix, "has no values: keep Behavioural or add attributes."));
        return errors;
    }
}

/// <summary>A profile attribute in the context.</summary>
public sealed class ContextAttribute
{
    internal static readonly HashSet<string> Kinds = new(StringComparer.OrdinalIgnoreCase) { "number", "boolean", "category" };

    public string Name { get; set; } = "";

    /// <summary><c>number</c>, <c>boolean</c> or <c>category</c>.</summary>
    public string? Kind { get; set; } = "category";

    /// <summary>Category: the values to one-hot (one value each plus one for any other value). Without them the value is hashed.</summary>
    public List<string>? Values { get; set; }

    /// <summary>Category without <see cref="Values"/>: hashed into this many values (default 8).</summary>
    public int Buckets { get; set; }

    /// <summary>Number: with <see cref="Max"/>, (x − Min) / (Max − Min) clamped to [0, 1].</summary>
    public double? Min { get; set; }

    public double? Max { get; set; }

    /// <summary>Number without Max: x / (x + Scale) for x ≥ 0 (0.5 at Scale), 0 below; default 1.</summary>
    public double? Scale { get; set; }
}

/// <summary>A computed feature (<c>orders_total</c>, <c>category_affinity.shoes</c>, ...) in the context: x / (x + Scale).</summary>
public sealed class ContextFeature
{
    public string Name { get; set; } = "";

    public double Scale { get; set; } = 1;
}

/// <summary>Encodes a customer's context under a <see cref="ContextSpec"/>. Immutable, thread-safe.</summary>
public sealed class ContextEncoder
{
    /// <summary>The behavioural values, in order.</summary>
    public static readonly string[] BehaviouralNames =
    [
        "bias", "recent", "orders", "aov", "churn", "activity_7d", "cart", "email_engaged", "channel_web", "channel_app", "channel_email",
    ];

    private readonly ContextSpec _spec;
    private readonly (ContextAttribute Attribute, int Width, Dictionary<string, int>? Index)[] _attributes;

    public ContextEncoder(ContextSpec spec)
    {
        _spec = spec;
        var names = new List<string>();
        if (spec.Behavioural) names.AddRange(BehaviouralNames);
        _attributes = new (ContextAttribute, int, Dictionary<string, int>?)[spec.Attributes.Count];
        for (var i = 0; i < spec.Attributes.Count; i++)
        {
            var a = spec.Attributes[i];
            switch (a.Kind?.ToLowerInvariant())
            {
                case "number":
                case "boolean":
                    _attributes[i] = (a, 1, null);
                    names.Add("attr." + a.Name);
                    break;
                default:
                    if (a.Values is { Count: > 0 } values)
                    {
                        var index = new Dictionary<string, int>(StringComparer.Ordinal);
                        foreach (var v in values) index.TryAdd(v.Trim(), index.Count);
                        _attributes[i] = (a, index.Count + 1, index);
                        names.AddRange(index.Keys.Select(v => $"attr.{a.Name}={v}"));
                        names.Add($"attr.{a.Name}=(other)");
                    }
                    else
                    {
                        var buckets = a.Buckets > 0 ? a.Buckets : 8;
                        _attributes[i] = (a, buckets, null);
                        names.AddRange(Enumerable.Range(0, buckets).Select(b => $"attr.{a.Name}#{b}"));
                    }
                    break;
            }
        }
        names.AddRange(spec.Features.Select(f => "feature." + f.Name));
        names.AddRange(spec.Segments.Select(s => "segment." + s));
        Names = names;
    }

    /// <summary>The default: the behavioural values only.</summary>
    public static ContextEncoder Default { get; } = new(new ContextSpec());

    public int Dimension => Names.Count;

    /// <summary>What each value is (for explanations and docs).</summary>
    public IReadOnlyList<string> Names { get; }

    public double[] Encode(IReadOnlyDictionary<string, double> features, IReadOnlyDictionary<string, AttributeValue>? attributes, IReadOnlyCollection<string>? segments, string channel)
    {
        var x = new double[Dimension];
        Encode(x, features, attributes, segments, channel);
        return x;
    }

    public void Encode(Span<double> x, IReadOnlyDictionary<string, double> features, IReadOnlyDictionary<string, AttributeValue>? attributes, IReadOnlyCollection<string>? segments, string channel)
    {
        if (x.Length != Dimension) throw new ArgumentException($"The context has {Dimension} values.", nameof(x));
        x.Clear();
        var at = 0;
        double F(string name) => features.TryGetValue(name, out var v) && double.IsFinite(v) ? v : 0;
        if (_spec.Behavioural)
        {
            var recency = features.TryGetValue("recency_days", out var r) && double.IsFinite(r) ? r : 365;
            x[0] = 1;
            x[1] = 1 / (1 + Math.Max(recency, 0) / 30);
            x[2] = Squash(F("orders_total"), 5);
            x[3] = Squash(F("aov"), 100);
            x[4] = Math.Clamp(F("churn_probability"), 0, 1);
            x[5] = Squash(F("events_7d"), 10);
            x[6] = F("cart_items") > 0 ? 1 : 0;
            x[7] = Math.Clamp(F("email_click_to_open"), 0, 1);
            x[8] = channel == "web" ? 1 : 0;
            x[9] = channel == "app" ? 1 : 0;
            x[10] = channel == "email" ? 1 : 0;
            at = BehaviouralNames.Length;
        }
        foreach (var (a, width, index) in _attributes)
        {
            var raw = attributes is not null && attributes.TryGetValue(a.Name, out var value) ? value.Value?.Trim() : null;
            if (!string.IsNullOrEmpty(raw))
            {
                switch (a.Kind?.ToLowerInvariant())
                {
                    case "number":
                        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
                        {
                            x[at] = a.Max is { } max ? Math.Clamp((n - (a.Min ?? 0)) / (max - (a.Min ?? 0)), 0, 1) : Squash(n, a.Scale ?? 1);
                        }
                        break;
                    case "boolean":
                        x[at] = raw.ToLowerInvariant() is "true" or "1" or "yes" or "y" ? 1 : 0;
                        break;
                    default:
                        x[at + (index is not null ? index.GetValueOrDefault(raw, index.Count) : (int)(Fnv1a(raw) % (uint)width))] = 1;
                        break;
                }
            }
            at += width;
        }
        foreach (var f in _spec.Features) x[at++] = Squash(F(f.Name), f.Scale);
        foreach (var s in _spec.Segments) x[at++] = segments is not null && segments.Contains(s) ? 1 : 0;
    }

    /// <summary>x / (x + half): 0 at 0, 0.5 at <paramref name="half"/>, towards 1 beyond.</summary>
    private static double Squash(double x, double half) => x <= 0 ? 0 : x / (x + half);

    /// <summary>FNV-1a over the UTF-16 code units: stable across processes and versions (string.GetHashCode is not).</summary>
    private static uint Fnv1a(string s)
    {
        var h = 2166136261u;
        foreach (var c in s)
        {
            h = (h ^ (uint)(c & 0xFF)) * 16777619u;
            h = (h ^ (uint)(c >> 8)) * 16777619u;
        }
        return h;
    }
}
