using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Customers addressed by any identifier (<c>type:value</c>) or by profile id.</summary>
internal static class CustomersApi
{
    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/customers/{ref}").WithTags("Customers");
        group.MapGet("/profile", GetProfileAsync).RequireAuthorization("query")
            .WithSummary("The fused profile: identifiers (masked), attributes with provenance, features, segments, consents.");
        group.MapGet("/churn-risk", GetChurnRiskAsync).RequireAuthorization("query")
            .WithSummary("Churn probability, band (low/medium/high), the features that raise it most, model version.");
        group.MapPut("/consents", PutConsentsAsync).RequireAuthorization("ingest")
            .WithSummary("Record consent decisions: {\"consents\":[{\"purpose\":\"marketing\",\"channel\":\"email\",\"granted\":false}]}.");
        group.MapGet("/export", ExportAsync).RequireAuthorization("admin")
            .WithSummary("GDPR access: everything held about the customer, identifiers in clear.");
        group.MapPost("/unmerge", UnmergeAsync).RequireAuthorization("admin")
            .WithSummary("Split a wrongly merged profile: {\"identifiers\": [\"anonymous_id:shared-tablet\"]} move, with the events they carried, to a new profile.");
        group.MapDelete("", EraseAsync).RequireAuthorization("admin")
            .WithSummary("GDPR erasure: profile, journal, identifier links and the customer's data key.");
        return app;
    }

    /// <summary>Resolves the route's reference to a live profile id, or the 400/404 problem to answer.</summary>
    internal static async Task<(string? ProfileId, IResult? Problem)> ResolveAsync(string reference, CustomerDirectory directory)
    {
        var r = await directory.ResolveAsync(reference);
        if (r.Error is { } e) return (null, ApiProblems.Validation([e]));
        if (!r.Found) return (null, ApiProblems.NotFound("ref", "No customer is known by that reference."));
        return (r.ProfileId, null);
    }

    private static async Task<IResult> GetProfileAsync(string @ref, CustomerDirectory directory, CustomerService customers)
    {
        var (id, problem) = await ResolveAsync(@ref, directory);
        if (problem is not null) return problem;
        var view = await customers.GetProfileAsync(id!);
        return view is null ? ApiProblems.NotFound("ref", "No customer is known by that reference.") : Results.Ok(view);
    }

    private static async Task<IResult> GetChurnRiskAsync(string @ref, CustomerDirectory directory, CustomerService customers)
    {
        var (id, problem) = await ResolveAsync(@ref, directory);
        if (problem is not null) return problem;
        var score = await customers.ChurnRiskAsync(id!);
        if (score is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No churn model is loaded.",
                detail: "Upload one with PUT /api/v1/models/churn (pe churn train writes the artefact).");
        }
        return Results.Ok(new
        {
            profileId = id,
            probability = Math.Round(score.Probability, 4),
            band = score.Band.ToString().ToLowerInvariant(),
            reasons = score.TopReasons.Select(r => new { feature = r.Feature, contribution = Math.Round(r.Contribution, 4) }),
            modelVersion = score.ModelVersion,
        });
    }

    private static async Task<IResult> ExportAsync(string @ref, CustomerDirectory directory, CustomerService customers)
    {
        var (id, problem) = await ResolveAsync(@ref, directory);
        if (problem is not null) return problem;
        var export = await customers.ExportAsync(id!);
        if (export is null) return ApiProblems.NotFound("ref", "No customer is known by that reference.");
        var profile = export.Profile;
        return Results.Json(new
        {
            exportedAt = DateTimeOffset.UtcNow,
            profileId = profile.ProfileId,
            identifiers = profile.Identifiers,
            attributes = profile.Attributes,
            consents = profile.Consents,
            segments = profile.Segments,
            eventCount = profile.EventCount,
            events = export.Events,
        }, contentType: "application/json");
    }

    private static async Task<IResult> UnmergeAsync(string @ref, HttpRequest request, CustomerDirectory directory, CustomerService customers, IngestionService ingestion, CancellationToken ct)
    {
        using var body = await BodyJson.ReadAsync(request, ct);
        if (body.Error is { } error) return error;
        var root = body.Document!.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("identifiers", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > 50)
        {
            return ApiProblems.Field("identifiers", "Send {\"identifiers\": [\"type:value\", ...]} (1 to 50).");
        }
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var f = $"identifiers[{i++}]";
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()! : "";
            var colon = text.IndexOf(':');
            var type = colon > 0 ? text[..colon].Trim().ToLowerInvariant() : "";
            var value = colon > 0 ? ingestion.Standardizer.NormalizeIdentifier(type, text[(colon + 1)..]) : null;
            if (value is null) return ApiProblems.Field(f, "Each identifier is 'type:value' with a valid value for its type.");
            keys.Add(type + ":" + value);
        }
        var (id, problem) = await ResolveAsync(@ref, directory);
        if (problem is not null) return problem;
        var result = await customers.UnmergeAsync(id!, keys);
        if (result is null) return ApiProblems.NotFound("ref", "No customer is known by that reference.");
        return Results.Ok(new { profileId = id, newProfileId = result.Value.NewProfileId, exact = result.Value.Exact });
    }

    private static async Task<IResult> EraseAsync(string @ref, CustomerDirectory directory, CustomerService customers)
    {
        var (id, problem) = await ResolveAsync(@ref, directory);
        if (problem is not null) return problem;
        await customers.EraseAsync(id!);
        return Results.NoContent();
    }

    private static async Task<IResult> PutConsentsAsync(string @ref, HttpRequest request, CustomerDirectory directory, IngestionService ingestion, TimeProvider time, CancellationToken ct)
    {
        using var body = await BodyJson.ReadAsync(request, ct);
        if (body.Error is { } error) return error;
        var root = body.Document!.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("consents", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            return ApiProblems.Field("consents", "Send {\"consents\": [{\"purpose\": \"marketing\", \"channel\": \"email\", \"granted\": true}]}.");
        }
        var (id, problem) = await ResolveAsync(@ref, directory);
        if (problem is not null) return problem;
        var now = time.GetUtcNow();
        var errors = new List<ValidationError>();
        var events = new List<RawEvent>();
        var i = 0;
        foreach (var c in list.EnumerateArray())
        {
            var f = $"consents[{i++}]";
            if (c.ValueKind != JsonValueKind.Object) { errors.Add(new(f, "Each consent must be an object.")); continue; }
            var purpose = c.TryGetProperty("purpose", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()!.Trim().ToLowerInvariant() : null;
            if (string.IsNullOrEmpty(purpose) || purpose.Length > 64) { errors.Add(new(f + ".purpose", "purpose is required (1 to 64 characters).")); continue; }
            if (!c.TryGetProperty("granted", out var g) || g.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) { errors.Add(new(f + ".granted", "granted must be true or false.")); continue; }
            string? channel = null;
            if (c.TryGetProperty("channel", out var ch) && ch.ValueKind != JsonValueKind.Null)
            {
                if (ch.ValueKind != JsonValueKind.String || !ChannelNames.TryParse(ch.GetString(), out var parsed)) { errors.Add(new(f + ".channel", "channel must be one of the engine's channels (web, app, email, sms, push, store, call_centre, crm, social, ads).")); continue; }
                channel = ChannelNames.ToWire(parsed);
            }
            var props = new EventProperties().Set("purpose", purpose).Set("granted", g.GetBoolean() ? 1m : 0m);
            if (channel is not null) props.Set("consent_channel", channel);
            events.Add(new RawEvent
            {
                EventId = "consent-" + Guid.NewGuid().ToString("N"),
                Type = EventTypes.ConsentChange,
                Channel = channel ?? "crm",
                Timestamp = now.ToString("O"),
                Properties = props,
            });
        }
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        var result = await ingestion.IngestForProfileAsync(id!, events);
        var failed = result.Items.SelectMany(r => r.Errors).ToList();
        if (failed.Count > 0) return ApiProblems.Validation(failed);
        var view = await directory.ResolveAsync(id!);
        return Results.Ok(new { profileId = view.ProfileId, recorded = result.Accepted });
    }
}
