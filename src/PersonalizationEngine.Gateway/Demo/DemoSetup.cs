using System.Text.Json;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Grains.Decisioning;

namespace PersonalizationEngine.Gateway.Demo;

/// <summary>
/// With <c>Demo:Enabled</c> (Development): a small offer catalogue and a contact policy for the demo store (an offer for a
/// category is not applicable right after the customer bought in it, <c>category_purchases.*</c>; "No thanks" suppresses
/// an offer for that customer at once), and
/// <c>/demo/config.js</c> handing the store page its (public) write key, and <c>/demo/login</c>, the store backend's stand-in. Nothing is created when offers exist.
/// </summary>
internal sealed partial class DemoSetup(DecisioningCatalog catalog, ILogger<DemoSetup> logger) : IHostedService
{
    private const string Offers = """
    [
      {"offerId":"free-shipping","name":"Free shipping","value":6,"placements":["home"],"creative":{"title":"Free shipping on your next order","body":"No minimum, today only."}},
      {"offerId":"running-10","name":"10% off running shoes","value":9,"placements":["home"],
       "applicability":{"all":[{"feature":"category_affinity.shoes","op":">","value":0},{"not":{"feature":"category_purchases.shoes","op":">","value":0.5}}]},
       "creative":{"title":"10% off running shoes","body":"Because you looked at shoes."}},
      {"offerId":"camping-bundle","name":"Camping bundle","value":30,"placements":["home"],
       "applicability":{"all":[{"feature":"category_affinity.camping","op":">","value":0},{"not":{"feature":"category_purchases.camping","op":">","value":0.5}}]},
       "creative":{"title":"Tent + mug bundle, save £20","body":"Everything for a night outside."}},
      {"offerId":"welcome-back","name":"Welcome back voucher","value":12,"placements":["home"],
       "eligibility":{"feature":"orders_total","op":">=","value":1},
       "creative":{"title":"£10 off for returning customers","body":"Thanks for shopping with us again."}},
      {"offerId":"premium-membership","name":"Premium membership","value":40,"lever":0.5,"aggressiveUpsell":true,"placements":["home"],
       "eligibility":{"feature":"orders_total","op":">=","value":2},
       "creative":{"title":"Go premium","body":"Free returns and early access."}}
    ]
    """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (catalog.Offers.All.Count > 0) return;
        foreach (var offer in JsonSerializer.Deserialize<List<OfferDefinition>>(Offers, JsonSerializerOptions.Web)!)
        {
            var (_, errors) = offer.Compile();
            if (errors.Count > 0) throw new InvalidOperationException($"Demo offer {offer.OfferId}: {errors[0].Field}: {errors[0].Message}");
            await catalog.Offers.UpsertAsync(offer, cancellationToken);
        }
        // "No thanks" takes an offer out of the visitor's slot at once, for 30 days.
        await catalog.Policies.UpsertAsync(new ContactPolicy { PolicyId = "no-thanks", Channel = "*", SuppressAfterRejects = 1, SuppressDays = 30 }, cancellationToken);
        LogDemoCreated(logger, catalog.Offers.All.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Demo catalogue created: {Count} offers. Store: /demo/  Dashboard: /dashboard/")]
    private static partial void LogDemoCreated(ILogger logger, int count);

    public static void Map(WebApplication app)
    {
        var writeKey = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Options.DemoOptions>>().Value.WriteKey ?? "";
        app.MapGet("/demo/config.js", () => Results.Text($"window.PE_DEMO = {{ writeKey: {JsonSerializer.Serialize(writeKey)} }};", "text/javascript"))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapDemoLogin(writeKey);
    }
}
