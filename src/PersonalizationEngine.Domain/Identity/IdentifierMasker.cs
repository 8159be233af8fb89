namespace PersonalizationEngine.Domain.Identity;

/// <summary>Masks identifiers for display and logs: <c>alice@b.com</c> -> <c>a***@b.com</c>, phones keep the last 2 digits.</summary>
public static class IdentifierMasker
{
    public static string Mask(string type, string value)
    {
        if (value.Length == 0) return value;
        if (type == IdentifierTypes.Email && value.IndexOf('@') is > 0 and var at)
            return value[0] + "***" + value[at..];
        if (type == IdentifierTypes.Phone && value.Length > 4)
            return value[..(value.StartsWith('+') ? 2 : 1)] + "***" + value[^2..];
        return value.Length <= 4 ? "***" : value[..2] + "***";
    }
}
