using System.Text;

namespace PersonalizationEngine.Domain.Events;

/// <summary>Normalises e-mail and phone identifiers so the same person matches across channels.</summary>
public static class IdentifierNormalizer
{
    /// <summary>Trim and lower-case; optionally apply Google's rule that dots in a gmail local part don't count.</summary>
    public static string? Email(string value, bool gmailDotRule = false)
    {
        var email = value.Trim().ToLowerInvariant();
        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || !email[(at + 1)..].Contains('.')
            || email.Any(char.IsWhiteSpace))
        {
            return null;
        }
        if (gmailDotRule && email[(at + 1)..] is "gmail.com" or "googlemail.com")
        {
            var local = email[..at];
            var plus = local.IndexOf('+');
            if (plus >= 0) local = local[..plus];
            email = local.Replace(".", "", StringComparison.Ordinal) + "@gmail.com";
        }
        return email;
    }

    /// <summary>
    /// E.164-ish: strip spaces, dashes, dots and brackets; '00' becomes '+'; a national number (leading 0 or
    /// none) needs <paramref name="defaultCallingCode"/>. Result is '+' and 8 to 15 digits, or null.
    /// </summary>
    public static string? Phone(string value, string? defaultCallingCode)
    {
        var digits = new StringBuilder(value.Length);
        var trimmed = value.Trim();
        foreach (var c in trimmed)
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c is ' ' or '-' or '.' or '(' or ')' or '/' || (c == '+' && digits.Length == 0)) continue;
            else return null;
        }
        string number;
        if (trimmed.StartsWith('+')) number = digits.ToString();
        else if (digits.Length > 2 && digits[0] == '0' && digits[1] == '0') number = digits.ToString(2, digits.Length - 2);
        else if (defaultCallingCode is not null) number = defaultCallingCode + digits.ToString().TrimStart('0');
        else return null;
        return number.Length is >= 8 and <= 15 && number[0] != '0' ? "+" + number : null;
    }
}
