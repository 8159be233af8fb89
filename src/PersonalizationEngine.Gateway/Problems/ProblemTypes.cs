namespace PersonalizationEngine.Gateway.Problems;

/// <summary>
/// The one <c>type</c> scheme of every problem document: the section of RFC 9110 that defines the status (429,
/// which RFC 9110 does not define, points to RFC 6585 section 4 on the same site). Issue 17: three sites were in use.
/// </summary>
public static class ProblemTypes
{
    private const string Rfc9110 = "https://www.rfc-editor.org/rfc/rfc9110#section-";

    public static string For(int status) => status switch
    {
        400 => Rfc9110 + "15.5.1",
        401 => Rfc9110 + "15.5.2",
        403 => Rfc9110 + "15.5.4",
        404 => Rfc9110 + "15.5.5",
        405 => Rfc9110 + "15.5.6",
        406 => Rfc9110 + "15.5.7",
        408 => Rfc9110 + "15.5.9",
        409 => Rfc9110 + "15.5.10",
        411 => Rfc9110 + "15.5.12",
        413 => Rfc9110 + "15.5.14",
        415 => Rfc9110 + "15.5.16",
        422 => Rfc9110 + "15.5.21",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        500 => Rfc9110 + "15.6.1",
        501 => Rfc9110 + "15.6.2",
        502 => Rfc9110 + "15.6.3",
        503 => Rfc9110 + "15.6.4",
        504 => Rfc9110 + "15.6.5",
        >= 500 => Rfc9110 + "15.6",
        _ => Rfc9110 + "15.5",
    };
}
