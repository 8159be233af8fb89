namespace PersonalizationEngine.Domain.Datasets;

/// <summary>
/// Europe/London rules embedded (no tzdata lookup in the domain): GMT, and BST (+01:00) from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October (EU rule, in force since 1996).
/// </summary>
public static class UkTime
{
    public static DateTimeOffset FromLocal(DateTime local)
    {
        var y = local.Year;
        var bstStartLocal = LastSunday(y, 3).AddHours(1);  // 01:00 GMT -> clocks jump to 02:00 BST
        var bstEndLocal = LastSunday(y, 10).AddHours(1);   // 02:00 BST -> clocks go back to 01:00 GMT
        // Local times in the repeated hour (01:00-02:00 on the October Sunday) are read as GMT.
        var bst = local >= bstStartLocal.AddHours(1) && local < bstEndLocal;
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeSpan.FromHours(bst ? 1 : 0));
    }

    private static DateTime LastSunday(int year, int month)
    {
        var last = new DateTime(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(int)last.DayOfWeek);
    }
}
