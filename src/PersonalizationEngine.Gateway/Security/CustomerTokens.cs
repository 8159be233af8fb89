using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>What reading a customer token found.</summary>
public enum CustomerTokenCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// Customer tokens (issue 19): a business's backend (a key with the query scope) asks the engine for a token for one
/// of its signed-in customers and hands it to the customer's privacy page, which may then read, export, change the
/// consents of and erase that one profile, for minutes. Format <c>pct1.&lt;payload&gt;.&lt;mac&gt;</c> (base64url;
/// HMAC-SHA256 with a key derived from the identity tokens' signing key for this purpose only, so neither kind of
/// token can pass for the other). The payload names the profile by the engine's id, never by an identifier.
/// </summary>
public sealed class CustomerTokens(IdentityKeys keys, TimeProvider time, ILogger<CustomerTokens> logger)
{
    private const string Prefix = "pct1.";
    public const int MaxLength = 1024;

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(30);

    private byte[]? _key;

    /// <summary>Whether a presented bearer value is meant to be a customer token (and not an API key).</summary>
    public static bool LooksLikeOne(string presented) => presented.StartsWith(Prefix, StringComparison.Ordinal);

    public (string Token, DateTimeOffset ExpiresAt) Issue(string profileId, TimeSpan lifetime)
    {
        var now = time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());
        var payload = JsonSerializer.SerializeToUtf8Bytes(new CustomerTokenPayload { Sub = profileId, Iat = now.ToUnixTimeSeconds(), Exp = expires.ToUnixTimeSeconds() }, TokenJson.Options);
        var body = Prefix + Base64Url.EncodeToString(payload);
        CustomerTokenLog.Issued(logger, lifetime.TotalSeconds);
        return (body + "." + Base64Url.EncodeToString(Mac(body)), expires);
    }

    /// <summary>The authenticated payload, or why the token is refused (the signature is checked before anything is parsed).</summary>
    public (CustomerTokenPayload? Payload, CustomerTokenCheck Check) Read(string token)
    {
        var result = Check(token);
        if (result.Check != CustomerTokenCheck.Valid) CustomerTokenLog.Refused(logger, result.Check);
        return result;
    }

    private (CustomerTokenPayload? Payload, CustomerTokenCheck Check) Check(string token)
    {
        if (token.Length is 0 or > MaxLength || !LooksLikeOne(token)) return (null, CustomerTokenCheck.Invalid);
        var dot = token.LastIndexOf('.');
        if (dot <= Prefix.Length) return (null, CustomerTokenCheck.Invalid);
        var body = token[..dot];
        Span<byte> mac = stackalloc byte[32];
        if (!Base64Url.IsValid(token.AsSpan(dot + 1)) || Base64Url.DecodeFromChars(token.AsSpan(dot + 1), mac, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32 || !CryptographicOperations.FixedTimeEquals(mac, Mac(body)))
        {
            return (null, CustomerTokenCheck.Invalid);
        }
        CustomerTokenPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<CustomerTokenPayload>(Base64Url.DecodeFromChars(body.AsSpan(Prefix.Length)), TokenJson.Options);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return (null, CustomerTokenCheck.Invalid);
        }
        if (payload is not { Sub.Length: > 0 }) return (null, CustomerTokenCheck.Invalid);
        if (payload.Exp <= time.GetUtcNow().ToUnixTimeSeconds()) return (null, CustomerTokenCheck.Expired);
        return (payload, CustomerTokenCheck.Valid);
    }

    private byte[] Mac(string body) => HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(body));

    private byte[] Key => _key ??= HMACSHA256.HashData(keys.SigningKey, "pe.customer-token.v1"u8);
}

/// <summary>The signed content of a customer token: the profile, issued at, expires at (Unix seconds).</summary>
public sealed class CustomerTokenPayload
{
    public string Sub { get; init; } = "";
    public long Iat { get; init; }
    public long Exp { get; init; }
}
