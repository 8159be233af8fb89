namespace PersonalizationEngine.Domain.Identity;

/// <summary>Built-in identifier types; any other lower-case name is a custom type.</summary>
public static class IdentifierTypes
{
    public const string UserId = "user_id";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string AnonymousId = "anonymous_id";
    public const string DeviceId = "device_id";
    public const string CrmId = "crm_id";
    public const string LoyaltyId = "loyalty_id";
}
