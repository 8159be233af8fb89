using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Gateway.Validation;
using PersonalizationEngine.Grains;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>
/// The customer's own privacy routes (issue 19): with a customer token (<c>POST /api/v1/customers/{ref}/privacy-token</c>)
/// the customer sees the categories of data held, changes consents per purpose and channel, downloads the export
/// and erases the profile, for that one profile only (<see cref="CustomerTokenFilter"/>: 403 for any other).
/// </summary>
internal static class PrivacyApi
{
    private const string Gone = "Nothing is held about this customer any more.";

    /// <summary>Channels a consent can be limited to on the privacy page (every channel of the engine).</summary>
    private static readonly string[] Channels = ["web", "app", "email", "sms", "push", "store", "call_centre", "crm", "social", "ads"];

    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/privacy/{profileId}").WithTags("Privacy")
            .RequireAuthorization(CustomerTokenAuthenticationHandler.Policy)
            .AddEndpointFilter(new CustomerTokenFilter())
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("", OverviewAsync).WithName("GetPrivacyOverview")
            .WithSummary("With a customer token: the categories of data held about the customer (identifiers masked) and their consents.");
        group.MapPut("/consents", PutConsentsAsync).WithName("PutPrivacyConsents").ValidateRequest().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithRequestExample("""{"consents":[{"purpose":"marketing","channel":"email","granted":false}]}""")
            .WithSummary("With a customer token: grant or withdraw consent per purpose and channel (honoured by the next decision).");
        group.MapGet("/export", ExportAsync).WithName("GetPrivacyExport")
            .WithSummary("With a customer token: everything held about the customer (the GDPR access export, identifiers in clear: it is their own).");
        group.MapDelete("", EraseAsync).WithName("ErasePrivacyProfile").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("With a customer token: erase everything held about the customer (?confirm=true, after the page asked).");
        return app;
    }

    private static async Task<Results<Ok<PrivacyOverview>, ProblemHttpResult>> OverviewAsync(string profileId, CustomerDirectory directory, CustomerService customers, DecisioningCatalog catalog, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await LiveAsync(profileId, directory, engine);
        if (problem is not null) return problem;
        var p = await customers.GetProfileAsync(id!);
        if (p is null) return ApiProblems.NotFound("profileId", Gone);
        var consents = p.Consents.Select(c =>
        {
            var colon = c.Key.IndexOf(':');
            return new ConsentView(colon < 0 ? c.Key : c.Key[..colon], colon < 0 ? null : c.Key[(colon + 1)..], c.Value.Granted, c.Value.At, c.Value.Source);
        }).OrderBy(c => c.Purpose, StringComparer.Ordinal).ThenBy(c => c.Channel, StringComparer.Ordinal).ToList();
        var purposes = catalog.CompiledOffers.Select(o => o.Definition.ConsentPurpose).Concat(consents.Select(c => c.Purpose)).Append("marketing")
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var categories = new List<DataCategory>
        {
            new("Identifiers", "How we recognise you across websites, apps and stores.", p.Identifiers.Sum(i => i.Value.Count),
                [.. p.Identifiers.SelectMany(i => i.Value.Select(v => $"{i.Key}: {v}"))]),
            new("Profile details", "Details you or our systems gave, with their source.", p.Attributes.Count, [.. p.Attributes.Keys.Order(StringComparer.Ordinal)]),
            new("Activity", "Events such as visits, searches and purchases.", (int)Math.Min(int.MaxValue, p.EventCount), [$"{p.EventCount} events"]),
            new("Computed traits", "Figures computed from your activity (recency, frequency, spend, churn risk).", p.Features.Count,
                [.. p.Features.Keys.Order(StringComparer.Ordinal).Take(8)]),
            new("Segments", "Groups your profile is in, used to choose offers.", p.Segments.Count, [.. p.Segments]),
            new("Consents", "Your choices per purpose and channel.", consents.Count, [.. consents.Select(c => c.Channel is null ? c.Purpose : c.Purpose + " / " + c.Channel)]),
        };
        return TypedResults.Ok(new PrivacyOverview(id!, categories, consents, purposes, Channels));
    }

    private static async Task<Results<Ok<ConsentsRecorded>, ProblemHttpResult>> PutConsentsAsync(string profileId, ConsentsRequest request, CustomerDirectory directory, IngestionService ingestion, TimeProvider time, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await LiveAsync(profileId, directory, engine);
        if (problem is not null) return problem;
        return await CustomersApi.PutConsentsAsync(id!, request, directory, ingestion, time, engine);
    }

    private static async Task<Results<Ok<CustomerExportAnswer>, ProblemHttpResult>> ExportAsync(string profileId, CustomerDirectory directory, CustomerService customers, IOptions<EngineOptions> engine, TimeProvider time)
    {
        var (id, problem) = await LiveAsync(profileId, directory, engine);
        if (problem is not null) return problem;
        var export = await customers.ExportAsync(id!);
        if (export is null) return ApiProblems.NotFound("profileId", Gone);
        var p = export.Profile;
        return TypedResults.Ok(new CustomerExportAnswer(time.GetUtcNow(), p.ProfileId, p.Identifiers, p.Attributes, p.Consents, p.Segments, p.EventCount, export.Events));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EraseAsync(string profileId, bool? confirm, CustomerDirectory directory, CustomerService customers, IOptions<EngineOptions> engine)
    {
        if (confirm != true) return ApiProblems.Field("confirm", "Erasure cannot be undone: send ?confirm=true once the customer has confirmed.");
        var (id, problem) = await LiveAsync(profileId, directory, engine);
        if (problem is not null) return problem;
        await customers.EraseAsync(id!);
        return TypedResults.NoContent();
    }

    /// <summary>The token's profile, followed through merges to where it lives now; 404 once it is gone.</summary>
    private static async Task<(string? ProfileId, ProblemHttpResult? Problem)> LiveAsync(string profileId, CustomerDirectory directory, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await CustomersApi.ResolveAsync("profile:" + profileId, directory, engine);
        return problem is not null ? (null, ApiProblems.NotFound("profileId", Gone)) : (id, null);
    }
}
