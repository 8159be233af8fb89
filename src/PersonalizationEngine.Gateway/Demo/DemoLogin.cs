using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PersonalizationEngine.Gateway.Apis;
using PersonalizationEngine.Gateway.Security;

namespace PersonalizationEngine.Gateway.Demo;

/// <summary>
/// <c>POST /demo/login</c> (Demo:Enabled only): a stand-in for the demo store's own backend. A real store checks the
/// password, then renders the user's id and user hash into the page; this one takes any e-mail (it is a demo), makes
/// the user id the store uses and computes the hashes with the verification secret of the store's write key, which
/// stays on the server. The engine then counts the user id and e-mail the page sends (issue 20).
/// </summary>
internal static class DemoLogin
{
    public static void MapDemoLogin(this WebApplication app, string writeKey)
    {
        app.MapPost("/demo/login", async (HttpRequest request, ApiKeyRegistry registry, CancellationToken ct) =>
        {
            using var body = await BodyJson.ReadAsync(request, ct);
            if (body.Error is { } error) return error;
            var root = body.Document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("email", out var e) || e.ValueKind != JsonValueKind.String
                || e.GetString() is not { Length: > 0 and <= 256 } email || !email.Contains('@'))
            {
                return ApiProblems.Field("email", "email is required (an e-mail address).");
            }
            var userId = "u-" + new string([.. email.Where(char.IsAsciiLetterOrDigit)]).ToLowerInvariant();
            var secret = registry.Find(writeKey)?.VerificationSecret;
            if (secret is null) return Results.Ok(new { userId, userHash = (string?)null, identityHashes = (object?)null });
            return Results.Ok(new
            {
                userId,
                userHash = Hash(secret, userId),
                identityHashes = new Dictionary<string, string> { ["email"] = Hash(secret, "email:" + email) },
            });
        }).AllowAnonymous().ExcludeFromDescription();
    }

    private static string Hash(string secret, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
}
