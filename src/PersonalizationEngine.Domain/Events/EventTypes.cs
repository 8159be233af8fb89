namespace PersonalizationEngine.Domain.Events;

/// <summary>Known event types (issue 3). Other types are kept and counted as custom, not rejected.</summary>
public static class EventTypes
{
    public const string PageView = "page_view";
    public const string ScreenView = "screen_view";
    public const string ProductView = "product_view";
    public const string Search = "search";
    public const string AddToCart = "add_to_cart";
    public const string RemoveFromCart = "remove_from_cart";
    public const string Checkout = "checkout";
    public const string Purchase = "purchase";
    public const string Refund = "refund";
    public const string EmailOpen = "email_open";
    public const string EmailClick = "email_click";
    public const string Unsubscribe = "unsubscribe";
    public const string AppOpen = "app_open";
    public const string Login = "login";
    public const string Signup = "signup";
    public const string SupportTicket = "support_ticket";
    public const string Complaint = "complaint";
    public const string Review = "review";
    public const string SocialMention = "social_mention";
    public const string ProfileUpdate = "profile_update";
    public const string ConsentChange = "consent_change";
    public const string OfferImpression = "offer_impression";
    public const string OfferClick = "offer_click";
    public const string OfferAccept = "offer_accept";
    public const string OfferReject = "offer_reject";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        PageView, ScreenView, ProductView, Search, AddToCart, RemoveFromCart, Checkout, Purchase, Refund,
        EmailOpen, EmailClick, Unsubscribe, AppOpen, Login, Signup, SupportTicket, Complaint, Review,
        SocialMention, ProfileUpdate, ConsentChange, OfferImpression, OfferClick, OfferAccept, OfferReject,
    };

    public static bool IsKnown(string type) => Known.Contains(type);
}
