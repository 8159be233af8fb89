using System.Security.Cryptography;
using System.Text;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>
/// The engine's identity key (<c>Auth:IdentityKey</c>, base64 of at least 32 bytes; generated and stored with the
/// data when not configured, like <c>Engine:MasterKey</c>). Three keys are derived from it, each for one purpose:
/// the signing key of identity tokens, the key of the identifier digests inside a token, and the verification
/// secret of each browser key created through the API (so those secrets are never stored).
/// </summary>
public sealed class IdentityKeys(IStorageProvider storage, IConfiguration configuration, ILogger<IdentityKeys> logger)
{
    private const string RecordType = "api-keys";
    private const string RecordKey = "identity-key";
    private byte[]? _signing;
    private byte[]? _digest;
    private byte[]? _root;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var root = await RootAsync(cancellationToken).ConfigureAwait(false);
        _root = root;
        _signing = Derive(root, "identity-token-signing");
        _digest = Derive(root, "identity-token-digest");
    }

    private byte[] Root => _root ?? throw new InvalidOperationException("Identity keys are not loaded yet.");

    /// <summary>HMAC key that signs identity tokens.</summary>
    public byte[] SigningKey => _signing ?? throw new InvalidOperationException("Identity keys are not loaded yet.");

    /// <summary>HMAC key of the identifier digests a token carries (never the identifiers themselves).</summary>
    public byte[] DigestKey => _digest ?? throw new InvalidOperationException("Identity keys are not loaded yet.");

    /// <summary>The verification secret of a key created through the API (hex, 64 characters).</summary>
    public string VerificationSecretOf(string keyId) => Convert.ToHexStringLower(Derive(Root, "browser-key-verification:" + keyId));

    private static byte[] Derive(byte[] root, string purpose) => HMACSHA256.HashData(root, Encoding.UTF8.GetBytes("pe.identity.v1:" + purpose));

    private async Task<byte[]> RootAsync(CancellationToken cancellationToken)
    {
        if (configuration["Auth:IdentityKey"] is { Length: > 0 } configured)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(configured);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("Auth:IdentityKey must be base64.");
            }
            if (bytes.Length < 32) throw new InvalidOperationException("Auth:IdentityKey must be at least 32 bytes.");
            return bytes;
        }
        var stored = await storage.States.ReadAsync(RecordType, RecordKey, cancellationToken).ConfigureAwait(false);
        if (stored is not null) return stored.Data;
        SecurityLog.IdentityKeyGenerated(logger);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            await storage.States.WriteAsync(RecordType, RecordKey, key, 0, cancellationToken).ConfigureAwait(false);
            return key;
        }
        catch (InconsistentStateException)
        {
            // Another node created it first: use theirs.
            return (await storage.States.ReadAsync(RecordType, RecordKey, cancellationToken).ConfigureAwait(false))!.Data;
        }
    }
}
