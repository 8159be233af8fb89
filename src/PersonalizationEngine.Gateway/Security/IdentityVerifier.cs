using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Identity;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>
/// Identity verification for browser sources (issue 20). A browser key is public, so an identifier it sends that
/// names a person counts only with proof:
/// <list type="bullet">
/// <item>a user hash, Intercom style: <c>userHash</c> = hex HMAC-SHA256(source's verification secret, user id), or
/// for any type <c>identityHashes.&lt;type&gt;</c> = hex HMAC-SHA256(secret, "&lt;type&gt;:&lt;value&gt;");</item>
/// <item>an identity token the engine issued to the site's backend (<see cref="IdentityTokens"/>), <c>identityToken</c>.</item>
/// </list>
/// The proof travels in a message's <c>context</c> (Segment messages) or at its top level (native events), and as
/// <c>X-PE-User-Hash</c> / <c>X-PE-Identity-Token</c> headers (or the same-named query parameters) on the public
/// offer route. Types in <c>Auth:IdentityVerification:AnonymousTypes</c> (default anonymous_id, device_id: the
/// first-party cookie and the device) need no proof; every other type names a person.
/// </summary>
public sealed class IdentityVerifier(IdentityTokens tokens, IConfiguration configuration)
{
    public const string UserHashHeader = "X-PE-User-Hash";
    public const string TokenHeader = "X-PE-Identity-Token";
    public const int MaxMessageBytes = 32 * 1024;

    private readonly HashSet<string> _anonymous = new(
        configuration.GetSection("Auth:IdentityVerification:AnonymousTypes").Get<string[]>() is { Length: > 0 } configured
            ? configured.Select(t => t.Trim().ToLowerInvariant())
            : [IdentifierTypes.AnonymousId, IdentifierTypes.DeviceId],
        StringComparer.Ordinal);

    public IdentityTokens Tokens => tokens;

    /// <summary>The identifier filter of a request made with a browser key; null for server keys (nothing filtered).</summary>
    public static BrowserIdentityFilter? For(HttpContext context) =>
        ApiKeyAuthenticationHandler.KeyOf(context.User) is { IsBrowser: true } key
            ? new BrowserIdentityFilter(key, context.RequestServices.GetRequiredService<IdentityVerifier>())
            : null;

    /// <summary>
    /// True when the caller may personalise by <paramref name="userId"/> on the public route: a server key, or a
    /// browser key with a valid user hash or token for it (header or query).
    /// </summary>
    public static bool MayUseUserId(HttpContext context, string userId)
    {
        var key = ApiKeyAuthenticationHandler.KeyOf(context.User);
        if (key is null) return false;
        if (!key.IsBrowser) return true;
        var verifier = context.RequestServices.GetRequiredService<IdentityVerifier>();
        var request = context.Request;
        string? Value(string header, string query) =>
            request.Headers.TryGetValue(header, out var h) && h.Count > 0 ? h.ToString() : request.Query.TryGetValue(query, out var q) ? q.ToString() : null;
        var proof = new IdentityProof(Value(UserHashHeader, "userHash"), null, Value(TokenHeader, "identityToken"));
        return verifier.Check(key, IdentifierTypes.UserId, userId, proof, null) is null;
    }

    public bool IsAnonymousType(string type) => _anonymous.Contains(type);

    /// <summary>Null when the identifier is proven; otherwise why not (never the value itself).</summary>
    internal string? Check(ApiKeyRecord key, string type, string value, IdentityProof proof, Dictionary<string, (TokenPayload?, TokenCheck)>? tokenCache)
    {
        string? reason = null;
        if (type == IdentifierTypes.UserId && proof.UserHash is { Length: > 0 } userHash)
        {
            if (HashMatches(key, value, userHash)) return null;
            reason = "invalid user hash";
        }
        if (proof.Hashes?.GetValueOrDefault(type) is { Length: > 0 } typed)
        {
            if (HashMatches(key, type + ":" + value, typed)) return null;
            reason ??= "invalid user hash";
        }
        if (proof.Token is { Length: > 0 } token)
        {
            (TokenPayload? Payload, TokenCheck Problem) read;
            if (tokenCache is null || !tokenCache.TryGetValue(token, out read))
            {
                read = tokens.Read(token, key.Id);
                tokenCache?.TryAdd(token, read);
            }
            if (read.Payload is { } payload && tokens.Covers(payload, type, value)) return null;
            reason ??= read.Problem switch
            {
                TokenCheck.Expired => "identity token expired",
                TokenCheck.OtherSource => "identity token was issued for another source",
                TokenCheck.Covers => "identity token does not cover this identifier",
                _ => "invalid identity token",
            };
        }
        return reason ?? "unverified: a browser source needs a user hash or an identity token for this identifier";
    }

    private static bool HashMatches(ApiKeyRecord key, string message, string presented)
    {
        if (key.VerificationSecret is not { Length: > 0 } secret || presented.Length != 64) return false;
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message), expected);
        Span<byte> given = stackalloc byte[32];
        try
        {
            if (Convert.FromHexString(presented, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32) return false;
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

/// <summary>The proofs that came with one message.</summary>
internal sealed record IdentityProof(string? UserHash, IReadOnlyDictionary<string, string>? Hashes, string? Token)
{
    /// <summary>Reads <c>userHash</c>, <c>identityHashes</c> and <c>identityToken</c> from the message or its <c>context</c>.</summary>
    public static IdentityProof Of(JsonElement message)
    {
        string? userHash = null, token = null;
        Dictionary<string, string>? hashes = null;
        void From(JsonElement o)
        {
            if (o.ValueKind != JsonValueKind.Object) return;
            if (userHash is null && o.TryGetProperty("userHash", out var h) && h.ValueKind == JsonValueKind.String) userHash = h.GetString();
            if (token is null && o.TryGetProperty("identityToken", out var t) && t.ValueKind == JsonValueKind.String) token = t.GetString();
            if (hashes is null && o.TryGetProperty("identityHashes", out var hs) && hs.ValueKind == JsonValueKind.Object)
            {
                hashes = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var p in hs.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String && hashes.Count < 16) hashes[p.Name.Trim().ToLowerInvariant()] = p.Value.GetString()!;
                }
            }
        }
        if (message.ValueKind == JsonValueKind.Object)
        {
            From(message);
            if (message.TryGetProperty("context", out var context)) From(context);
        }
        return new IdentityProof(userHash, hashes, token);
    }
}

/// <summary>
/// Applied to each event of one request made with a browser key, before it reaches ingestion: drops the person
/// identifiers it cannot prove (reported per item as <c>droppedIdentifiers</c>) and refuses messages over 32 KB
/// (Segment's limit).
/// </summary>
public sealed class BrowserIdentityFilter
{
    private readonly ApiKeyRecord _key;
    private readonly IdentityVerifier _verifier;
    private readonly Dictionary<string, (TokenPayload?, TokenCheck)> _tokens = new(StringComparer.Ordinal);

    internal BrowserIdentityFilter(ApiKeyRecord key, IdentityVerifier verifier)
    {
        _key = key;
        _verifier = verifier;
    }

    /// <summary>Per item: the dropped identifiers, by the item's index in the request.</summary>
    public Dictionary<int, IReadOnlyList<DroppedIdentifier>> Dropped { get; } = [];

    public (RawEvent? Event, List<ValidationError> Errors) Apply(int index, JsonElement message, RawEvent raw, string prefix)
    {
        var errors = new List<ValidationError>();
        var size = Encoding.UTF8.GetByteCount(message.GetRawText());
        if (size > IdentityVerifier.MaxMessageBytes)
        {
            errors.Add(new(prefix.TrimEnd('.'), $"A message from a browser source is at most {IdentityVerifier.MaxMessageBytes / 1024} KB ({size:N0} bytes sent)."));
            return (null, errors);
        }
        if (raw.Identifiers is not { Count: > 0 } ids) return (raw, errors);
        IdentityProof? proof = null;
        Dictionary<string, string?>? kept = null;
        List<DroppedIdentifier>? dropped = null;
        foreach (var (type, value) in ids)
        {
            var t = type.Trim().ToLowerInvariant();
            if (value is null || _verifier.IsAnonymousType(t)) continue;
            proof ??= IdentityProof.Of(message);
            if (_verifier.Check(_key, t, value, proof, _tokens) is { } reason)
            {
                kept ??= new Dictionary<string, string?>(ids, StringComparer.Ordinal);
                kept.Remove(type);
                (dropped ??= []).Add(new DroppedIdentifier(t, reason));
            }
        }
        if (dropped is null) return (raw, errors);
        Dropped[index] = dropped;
        return (raw with { Identifiers = kept }, errors);
    }
}
