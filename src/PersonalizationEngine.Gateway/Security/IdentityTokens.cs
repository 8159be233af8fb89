using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Identity;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>What checking a token against one identifier found.</summary>
public enum TokenCheck
{
    Covers,
    DoesNotCover,
    Invalid,
    Expired,
    OtherSource,
}

/// <summary>
/// Short-lived identity tokens: the engine issues one to a site's backend (a server key) for the identifiers of
/// its logged-in user; the page passes it with <c>identify</c> and offer requests, and a browser source's events
/// then count those identifiers. Format <c>pet1.&lt;payload&gt;.&lt;mac&gt;</c> (base64url; HMAC-SHA256 with a key
/// derived from <c>Auth:IdentityKey</c>). The payload names identifiers only by keyed digests (so a token in a log
/// or URL reveals no e-mail address), the expiry, and optionally the one browser key it is for.
/// </summary>
public sealed class IdentityTokens(IdentityKeys keys, TimeProvider time, IConfiguration configuration)
{
    private const string Prefix = "pet1.";
    public const int MaxLength = 4096;

    public TimeSpan DefaultLifetime => configuration.GetValue<TimeSpan?>("Auth:IdentityTokens:DefaultLifetime") ?? TimeSpan.FromMinutes(10);

    public TimeSpan MaxLifetime => configuration.GetValue<TimeSpan?>("Auth:IdentityTokens:MaxLifetime") ?? TimeSpan.FromHours(1);

    public (string Token, DateTimeOffset ExpiresAt) Issue(IReadOnlyDictionary<string, string> identifiers, TimeSpan lifetime, string? audience)
    {
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        var payload = JsonSerializer.SerializeToUtf8Bytes(new TokenPayload
        {
            Ids = [.. identifiers.Select(p => Digest(p.Key, p.Value))],
            Iat = now.ToUnixTimeSeconds(),
            Exp = expires.ToUnixTimeSeconds(),
            Aud = audience,
        }, TokenJson.Options);
        var body = Prefix + Base64Url.EncodeToString(payload);
        return (body + "." + Base64Url.EncodeToString(Mac(body)), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The parsed, authenticated token, or why it is not one.</summary>
    public (TokenPayload? Payload, TokenCheck Problem) Read(string token, string keyId)
    {
        if (token.Length is 0 or > MaxLength || !token.StartsWith(Prefix, StringComparison.Ordinal)) return (null, TokenCheck.Invalid);
        var dot = token.LastIndexOf('.');
        if (dot <= Prefix.Length) return (null, TokenCheck.Invalid);
        var body = token[..dot];
        Span<byte> mac = stackalloc byte[32];
        if (!Base64Url.IsValid(token.AsSpan(dot + 1)) || Base64Url.DecodeFromChars(token.AsSpan(dot + 1), mac, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32 || !CryptographicOperations.FixedTimeEquals(mac, Mac(body)))
        {
            return (null, TokenCheck.Invalid);
        }
        TokenPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<TokenPayload>(Base64Url.DecodeFromChars(body.AsSpan(Prefix.Length)), TokenJson.Options);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return (null, TokenCheck.Invalid);
        }
        if (payload is null) return (null, TokenCheck.Invalid);
        if (payload.Exp <= time.GetUtcNow().ToUnixTimeSeconds()) return (null, TokenCheck.Expired);
        if (payload.Aud is not null && payload.Aud != keyId) return (null, TokenCheck.OtherSource);
        return (payload, TokenCheck.Covers);
    }

    /// <summary>Whether a (valid) token names this identifier.</summary>
    public bool Covers(TokenPayload payload, string type, string value) => payload.Ids.Contains(Digest(type, value));

    private byte[] Mac(string body) => HMACSHA256.HashData(keys.SigningKey, Encoding.ASCII.GetBytes(body));

    private string Digest(string type, string value)
    {
        var t = type.Trim().ToLowerInvariant();
        var canonical = Canonical(t, value);
        return Base64Url.EncodeToString(HMACSHA256.HashData(keys.DigestKey, Encoding.UTF8.GetBytes(t + "\u001f" + canonical)).AsSpan(0, 16));
    }

    /// <summary>The form both sides compare: e-mail lower case, phone digits, others trimmed.</summary>
    private static string Canonical(string type, string value) => type switch
    {
        IdentifierTypes.Email => IdentifierNormalizer.Email(value) ?? value.Trim().ToLowerInvariant(),
        IdentifierTypes.Phone => IdentifierNormalizer.Phone(value, null) ?? new string([.. value.Where(char.IsAsciiDigit)]),
        _ => value.Trim(),
    };
}

/// <summary>The signed content of an identity token.</summary>
public sealed class TokenPayload
{
    public List<string> Ids { get; init; } = [];
    public long Iat { get; init; }
    public long Exp { get; init; }
    public string? Aud { get; init; }
}

internal static class TokenJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { MaxDepth = 4 };
}
