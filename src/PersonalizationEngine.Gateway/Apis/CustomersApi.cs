using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Identity;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Gateway.Validation;
using PersonalizationEngine.Grains;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Customers addressed by any identifier (<c>type:value</c>) or by profile id.</summary>
internal static class CustomersApi
{
    private const string NoSuchCustomer = "No customer is known by that reference.";

    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/customers/{ref}").WithTags("Customers")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/profile", GetProfileAsync).WithName("GetProfile").RequireScope(ApiScopes.Query)
            .WithSummary("The fused profile: identifiers (masked), attributes with provenance, features, segments, consents.");
        group.MapGet("/churn-risk", GetChurnRiskAsync).WithName("GetChurnRisk").RequireScope(ApiScopes.Query)
            .WithSummary("Churn probability, band (low/medium/high), the features that raise it most, model version.");
        group.MapPut("/consents", PutConsentsAsync).WithName("PutConsents").RequireScope(ApiScopes.Ingest).ValidateRequest()
            .WithSummary("Record consent decisions: {\"consents\":[{\"purpose\":\"marketing\",\"channel\":\"email\",\"granted\":false}]}.")
            .WithRequestExample("""{"consents":[{"purpose":"marketing","channel":"email","granted":false}]}""");
        group.MapGet("/export", ExportAsync).WithName("ExportCustomer").RequireScope(ApiScopes.Admin)
            .WithSummary("GDPR access: everything held about the customer, identifiers in clear.");
        group.MapPost("/unmerge", UnmergeAsync).WithName("UnmergeCustomer").RequireScope(ApiScopes.Admin).ValidateRequest()
            .WithSummary("Split a wrongly merged profile: {\"identifiers\": [\"anonymous_id:shared-tablet\"]} move, with the events they carried, to a new profile.")
            .WithRequestExample("""{"identifiers":["anonymous_id:shared-tablet"]}""");
        group.MapDelete("", EraseAsync).WithName("EraseCustomer").RequireScope(ApiScopes.Admin)
            .WithSummary("GDPR erasure: profile, journal, identifier links and the customer's data key.");
        return app;
    }

    /// <summary>
    /// Resolves the route's reference to a live profile id, or the problem to answer: 400 for a malformed
    /// reference or an identifier type the engine does not know (naming the type), 404 for nobody.
    /// </summary>
    internal static async Task<(string? ProfileId, ProblemHttpResult? Problem)> ResolveAsync(string reference, CustomerDirectory directory, IOptions<EngineOptions> engine)
    {
        var (r, problem) = await ResolveReferenceAsync(reference, directory, engine, allowCached: false);
        return (r?.ProfileId, problem);
    }

    /// <summary>The reference resolved, or the problem to answer (unknown type 400, bad value 400, no such customer 404).</summary>
    internal static async Task<(CustomerRefResult? Result, ProblemHttpResult? Problem)> ResolveReferenceAsync(string reference, CustomerDirectory directory, IOptions<EngineOptions> engine, bool allowCached)
    {
        var colon = reference.IndexOf(':');
        if (colon > 0)
        {
            var type = reference[..colon].Trim().ToLowerInvariant();
            if (type != "profile" && !IsKnownType(type, engine.Value))
            {
                return (null, ApiProblems.Field("ref", $"Unknown identifier type '{type}': use profile, {string.Join(", ", KnownTypes(engine.Value))}."));
            }
        }
        var r = await directory.ResolveAsync(reference, allowCached);
        if (r.Error is { } e) return (null, ApiProblems.Validation([e]));
        if (!r.Found) return (null, ApiProblems.NotFound("ref", NoSuchCustomer));
        return (r, null);
    }

    private static readonly string[] BuiltInTypes =
    [
        IdentifierTypes.UserId, IdentifierTypes.Email, IdentifierTypes.Phone, IdentifierTypes.AnonymousId,
        IdentifierTypes.DeviceId, IdentifierTypes.CrmId, IdentifierTypes.LoyaltyId,
    ];

    // Custom identifier types are known when the identity rules list them (priority or limit), so a deployment
    // that uses one can look customers up by it; any other type is a typo.
    private static bool IsKnownType(string type, EngineOptions o) =>
        BuiltInTypes.Contains(type) || o.Profile.Identity.Priority.ContainsKey(type) || o.Profile.Identity.Limits.ContainsKey(type);

    private static IEnumerable<string> KnownTypes(EngineOptions o) =>
        BuiltInTypes.Concat(o.Profile.Identity.Priority.Keys).Concat(o.Profile.Identity.Limits.Keys).Distinct(StringComparer.Ordinal);

    private static async Task<Results<Ok<ProfileView>, ProblemHttpResult>> GetProfileAsync(string @ref, CustomerDirectory directory, CustomerService customers, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var view = await customers.GetProfileAsync(id!);
        return view is null ? ApiProblems.NotFound("ref", NoSuchCustomer) : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<ChurnRiskAnswer>, ProblemHttpResult>> GetChurnRiskAsync(string @ref, CustomerDirectory directory, CustomerService customers, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var score = await customers.ChurnRiskAsync(id!);
        if (score is null)
        {
            return ApiProblems.Status(StatusCodes.Status503ServiceUnavailable, "No churn model is loaded.", "Upload one with PUT /api/v1/models/churn (pe churn train writes the artefact).");
        }
        return TypedResults.Ok(new ChurnRiskAnswer(
            id!,
            Math.Round(score.Probability, 4),
            score.Band.ToString().ToLowerInvariant(),
            score.TopReasons.Select(r => new ChurnReason(r.Feature, Math.Round(r.Contribution, 4))).ToArray(),
            score.ModelVersion));
    }

    private static async Task<Results<Ok<CustomerExportAnswer>, ProblemHttpResult>> ExportAsync(string @ref, CustomerDirectory directory, CustomerService customers, IOptions<EngineOptions> engine, TimeProvider time)
    {
        var (id, problem) = await ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var export = await customers.ExportAsync(id!);
        if (export is null) return ApiProblems.NotFound("ref", NoSuchCustomer);
        var p = export.Profile;
        return TypedResults.Ok(new CustomerExportAnswer(time.GetUtcNow(), p.ProfileId, p.Identifiers, p.Attributes, p.Consents, p.Segments, p.EventCount, export.Events));
    }

    private static async Task<Results<Ok<UnmergeAnswer>, ProblemHttpResult>> UnmergeAsync(string @ref, UnmergeRequest request, CustomerDirectory directory, CustomerService customers, IngestionService ingestion, IOptions<EngineOptions> engine)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Identifiers!.Count; i++)
        {
            var text = request.Identifiers[i] ?? "";
            var colon = text.IndexOf(':');
            var type = colon > 0 ? text[..colon].Trim().ToLowerInvariant() : "";
            var value = colon > 0 ? ingestion.Standardizer.NormalizeIdentifier(type, text[(colon + 1)..]) : null;
            if (value is null) return ApiProblems.Field($"identifiers[{i}]", "Each identifier is 'type:value' with a valid value for its type.");
            keys.Add(type + ":" + value);
        }
        var (id, problem) = await ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var result = await customers.UnmergeAsync(id!, keys);
        if (result is null) return ApiProblems.NotFound("ref", NoSuchCustomer);
        return TypedResults.Ok(new UnmergeAnswer(id!, result.Value.NewProfileId, result.Value.Exact));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EraseAsync(string @ref, CustomerDirectory directory, CustomerService customers, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        await customers.EraseAsync(id!);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<ConsentsRecorded>, ProblemHttpResult>> PutConsentsAsync(string @ref, ConsentsRequest request, CustomerDirectory directory, IngestionService ingestion, TimeProvider time, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var now = time.GetUtcNow();
        var events = new List<RawEvent>(request.Consents!.Count);
        foreach (var c in request.Consents)
        {
            string? channel = c.Channel is not null && ChannelNames.TryParse(c.Channel, out var parsed) ? ChannelNames.ToWire(parsed) : null;
            var props = new EventProperties().Set("purpose", c.Purpose!.Trim().ToLowerInvariant()).Set("granted", c.Granted!.Value ? 1m : 0m);
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
        var result = await ingestion.IngestForProfileAsync(id!, events);
        var failed = result.Items.SelectMany(r => r.Errors).ToList();
        if (failed.Count > 0) return ApiProblems.Validation(failed);
        var view = await directory.ResolveAsync(id!);
        return TypedResults.Ok(new ConsentsRecorded(view.ProfileId, result.Accepted));
    }
}
