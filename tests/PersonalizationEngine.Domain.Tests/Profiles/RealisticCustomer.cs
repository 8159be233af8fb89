using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Tests.Profiles;

/// <summary>
/// A realistic 30-event customer over 60 days: 11 page views, 5 product views, 3 cart adds, 2 purchases with
/// lines, 3 e-mail opens and a click, a CRM profile update, a consent change, a login, a review and a custom
/// event; identifiers user_id, e-mail and an anonymous id.
/// </summary>
internal static class RealisticCustomer
{
    private static readonly string[] Categories = ["shoes", "bags", "coats", "hats", "scarves", "gloves", "belts", "socks"];

    public static IEnumerable<CustomerEvent> Events(int customer, DateTimeOffset start)
    {
        var web = new Dictionary<string, string> { ["anonymous_id"] = $"anon-{customer:x8}-0001" };
        var known = new Dictionary<string, string> { ["user_id"] = "u" + customer, ["email"] = $"c{customer}@example.com" };
        var t = start;
        var n = 0;
        CustomerEvent Make(string type, Channel ch, Dictionary<string, string> ids, EventProperties? p = null)
        {
            t = t.AddHours(47);
            return new CustomerEvent
            {
                EventId = $"{customer}-{n++}", Identifiers = ids, Channel = ch, Type = type, Timestamp = t,
                ReceivedAt = t.AddSeconds(1), Properties = p ?? new EventProperties(),
            };
        }
        EventProperties Product(int i) => new EventProperties()
            .Set("category", Categories[(customer + i) % Categories.Length]).Set("brand", "brand" + (customer + i) % 5)
            .Set("price", 19.99m + i).Set("quantity", 1m);

        for (var i = 0; i < 11; i++) yield return Make(EventTypes.PageView, Channel.Web, web, new EventProperties().Set("url", "/p/" + i));
        for (var i = 0; i < 5; i++) yield return Make(EventTypes.ProductView, Channel.Web, web, Product(i));
        for (var i = 0; i < 3; i++) yield return Make(EventTypes.AddToCart, Channel.Web, web, Product(i));
        yield return Make(EventTypes.Login, Channel.App, new(known) { ["anonymous_id"] = web["anonymous_id"] });
        for (var i = 0; i < 2; i++)
        {
            var p = new EventProperties().Set("currency", "GBP").Set("amount", 59.97m + i);
            for (var j = 0; j < 3; j++) p.Add(new LineItem { Sku = "sku" + j, Category = Categories[j], Quantity = 1, UnitPrice = 19.99m });
            yield return Make(EventTypes.Purchase, Channel.App, known, p);
        }
        for (var i = 0; i < 3; i++) yield return Make(EventTypes.EmailOpen, Channel.Email, known);
        yield return Make(EventTypes.EmailClick, Channel.Email, known);
        yield return Make(EventTypes.ProfileUpdate, Channel.Crm, known,
            new EventProperties().Set("first_name", "Ann").Set("country", "GB").Set("city", "Leeds"));
        yield return Make(EventTypes.ConsentChange, Channel.Web, known,
            new EventProperties().Set("purpose", "marketing").Set("consent_channel", "email").Set("granted", 1m));
        yield return Make(EventTypes.Review, Channel.Web, known, new EventProperties().Set("rating", 4m));
        yield return Make("wishlist_add", Channel.App, known);
    }
}
