using System.Security.Cryptography;

namespace PersonalizationEngine.Grains.Protection;

/// <summary>
/// Envelope encryption for personal data at rest (crypto-shredding). Every customer gets its own random
/// 256-bit data key; the customer's snapshot and journal payloads are sealed with it (AES-256-GCM, the profile
/// id as associated data so a payload cannot be moved to another customer). The data key itself is stored
/// wrapped by the engine's master key. Erasing a customer deletes its wrapped key, so any copy of its
/// snapshots or journal left in a backup can no longer be read.
/// </summary>
public sealed class CustomerDataProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _masterKey;

    public CustomerDataProtector(byte[] masterKey)
    {
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The master key must be 32 bytes (AES-256).", nameof(masterKey));
        }
        _masterKey = (byte[])masterKey.Clone();
        _recordKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, _masterKey, 32, info: "pe engine records v1"u8.ToArray());
    }

    private readonly byte[] _recordKey;

    /// <summary>
    /// Seals an engine record that is not a customer's (trigger definitions with their webhook secrets, webhook
    /// dead letters) under a key derived from the master key; <paramref name="context"/> names the record and
    /// is authenticated, so a sealed record cannot be swapped for another.
    /// </summary>
    public byte[] SealRecord(string context, ReadOnlySpan<byte> plaintext) => Seal(_recordKey, context, plaintext);

    /// <summary>Opens what <see cref="SealRecord"/> sealed; throws <see cref="CryptographicException"/> if it was tampered with.</summary>
    public byte[] OpenRecord(string context, ReadOnlySpan<byte> sealedData) => Open(_recordKey, context, sealedData);

    /// <summary>A fresh random data key.</summary>
    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Encrypts a data key with the master key for storage.</summary>
    public byte[] WrapKey(string profileId, byte[] dataKey) => Seal(_masterKey, profileId, dataKey);

    /// <summary>Decrypts a stored data key; throws <see cref="CryptographicException"/> if it was tampered with.</summary>
    public byte[] UnwrapKey(string profileId, byte[] wrapped) => Open(_masterKey, profileId, wrapped);

    /// <summary>nonce (12) | tag (16) | ciphertext.</summary>
    public static byte[] Seal(byte[] key, string profileId, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        NextNonce(nonce);
        Span<byte> ad = stackalloc byte[MaxStackAssociatedData];
        Cipher(key).Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), AssociatedData(profileId, ad));
        return output;
    }

    public static byte[] Open(byte[] key, string profileId, ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Sealed data is too short.");
        }
        var plaintext = new byte[sealedData.Length - NonceSize - TagSize];
        Span<byte> ad = stackalloc byte[MaxStackAssociatedData];
        Cipher(key).Decrypt(sealedData[..NonceSize], sealedData[(NonceSize + TagSize)..], sealedData.Slice(NonceSize, TagSize), plaintext, AssociatedData(profileId, ad));
        return plaintext;
    }

    // A grain seals each event of a batch with the same key on the same thread: the cipher context of the last
    // key a thread used is kept (keyed by the key array itself), so a batch pays the key schedule once, and
    // nonces come from a per-thread block of CSPRNG output instead of one RNG call per seal.
    [ThreadStatic] private static byte[]? t_cipherKey;
    [ThreadStatic] private static AesGcm? t_cipher;
    [ThreadStatic] private static byte[]? t_nonces;
    [ThreadStatic] private static int t_nonceOffset;

    private static AesGcm Cipher(byte[] key)
    {
        if (!ReferenceEquals(t_cipherKey, key) || t_cipher is null)
        {
            t_cipher?.Dispose();
            t_cipher = new AesGcm(key, TagSize);
            t_cipherKey = key;
        }
        return t_cipher;
    }

    private static void NextNonce(Span<byte> nonce)
    {
        var block = t_nonces ??= new byte[NonceSize * 256];
        if (t_nonceOffset == 0) RandomNumberGenerator.Fill(block);
        block.AsSpan(t_nonceOffset, NonceSize).CopyTo(nonce);
        block.AsSpan(t_nonceOffset, NonceSize).Clear();
        t_nonceOffset = (t_nonceOffset + NonceSize) % block.Length;
    }

    private const int MaxStackAssociatedData = 256;

    /// <summary>The profile id as UTF-8, in <paramref name="buffer"/> when it fits (ids are short), else on the heap.</summary>
    private static ReadOnlySpan<byte> AssociatedData(string profileId, Span<byte> buffer) =>
        System.Text.Encoding.UTF8.TryGetBytes(profileId, buffer, out var written)
            ? buffer[..written]
            : System.Text.Encoding.UTF8.GetBytes(profileId);
}
