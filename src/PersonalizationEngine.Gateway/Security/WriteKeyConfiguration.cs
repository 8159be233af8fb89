using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>One write key from configuration, <c>Auth:WriteKeys:&lt;source&gt;</c>.</summary>
public sealed record ConfiguredWriteKey(string Source, string Key, string Trust, bool TrustDeclared, string? VerificationSecret, IReadOnlyList<string> AllowedOrigins);

/// <summary>
/// Reads <c>Auth:WriteKeys</c>. Each source is either the key itself (<c>"Auth:WriteKeys:shop": "..."</c>, as before)
/// or an object: <c>{"Key": "...", "Trust": "browser"|"server", "VerificationSecret": "...", "AllowedOrigins":
/// ["https://shop.example"]}</c> (environment: <c>Auth__WriteKeys__shop__Key</c>, <c>..__Trust</c>; the key may also
/// stay the source's own value next to its settings). A write key that does not say its trust is a browser key:
/// write keys are the ones web pages carry.
/// </summary>
internal sealed class WriteKeyConfiguration(IConfiguration configuration) : IConfigureOptions<AuthOptions>
{
    public void Configure(AuthOptions options)
    {
        options.WriteKeys.Clear();
        foreach (var source in configuration.GetSection("Auth:WriteKeys").GetChildren())
        {
            var setting = $"Auth:WriteKeys:{source.Key}";
            var key = source["Key"] ?? source.Value;
            if (string.IsNullOrEmpty(key)) throw new InvalidOperationException($"{setting}:Key is required.");
            var declared = source["Trust"];
            string trust;
            if (declared is null) trust = KeyTrust.Browser;
            else if (!KeyTrust.TryParse(declared, out trust)) throw new InvalidOperationException($"{setting}:Trust must be 'server' or 'browser'.");
            var secret = source["VerificationSecret"];
            if (secret is { Length: < 16 }) throw new InvalidOperationException($"{setting}:VerificationSecret must be at least 16 characters.");
            var origins = new List<string>();
            var list = source.GetSection("AllowedOrigins");
            var raw = list.Value is { Length: > 0 } joined
                ? joined.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : list.GetChildren().Select(c => c.Value ?? "");
            foreach (var origin in raw)
            {
                if (!Origins.TryNormalize(origin, out var normalized)) throw new InvalidOperationException($"{setting}:AllowedOrigins: '{origin}' is not an origin (scheme://host[:port]) or '*'.");
                origins.Add(normalized);
            }
            options.WriteKeys.Add(new ConfiguredWriteKey(source.Key, key, trust, declared is not null, string.IsNullOrEmpty(secret) ? null : secret, origins));
        }
    }
}

/// <summary>Web origins as browsers send them in the <c>Origin</c> header.</summary>
public static class Origins
{
    /// <summary><c>*</c>, or <c>http(s)://host[:port]</c> without path, query or credentials, lower-cased.</summary>
    public static bool TryNormalize(string? value, out string origin)
    {
        origin = "";
        value = value?.Trim();
        if (value == "*")
        {
            origin = value;
            return true;
        }
        if (string.IsNullOrEmpty(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.UserInfo.Length > 0 || uri.PathAndQuery is not "/" || uri.Fragment.Length > 0 || value.EndsWith('/'))
        {
            return false;
        }
        origin = uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        return true;
    }

    /// <summary>True when <paramref name="origin"/> (an Origin header) is in <paramref name="allowed"/> or it holds <c>*</c>.</summary>
    public static bool Allows(IReadOnlyList<string> allowed, string origin)
    {
        foreach (var a in allowed)
        {
            if (a == "*" || string.Equals(a, origin, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
