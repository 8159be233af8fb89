using System.Globalization;

namespace PersonalizationEngine.Learning.Data;

/// <summary>
/// IBM Telco Customer Churn specifics: drop <c>customerID</c>, label <c>Churn</c> = Yes, and add derived
/// columns. The derived columns are computed row by row from that row alone (no statistics over the data),
/// so adding them before the fold split cannot leak.
/// </summary>
public static class TelcoChurn
{
    public const string Label = "Churn";

    private static readonly string[] Services =
        ["PhoneService", "MultipleLines", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies"];

    public static (TabularData Data, int[] Labels, string[] InputColumns) Load(string path, bool engineerFeatures)
    {
        var raw = CsvReader.ReadFile(path);
        var labelIndex = raw.IndexOf(Label);
        var labels = raw.Rows.Select(r => r[labelIndex].Trim() == "Yes" ? 1 : 0).ToArray();
        var inputs = raw.Columns.Where(c => c != Label && c != "customerID").ToList();
        if (!engineerFeatures)
        {
            return (raw, labels, [.. inputs]);
        }

        var extra = new[] { "tenure_bucket", "services_count", "charges_ratio", "avg_monthly_total", "is_new", "fiber_no_security" };
        var columns = raw.Columns.Concat(extra).ToArray();
        var tenureIndex = raw.IndexOf("tenure");
        var monthlyIndex = raw.IndexOf("MonthlyCharges");
        var totalIndex = raw.IndexOf("TotalCharges");
        var internetIndex = raw.IndexOf("InternetService");
        var securityIndex = raw.IndexOf("OnlineSecurity");
        var serviceIndices = Services.Select(raw.IndexOf).ToArray();
        var rows = new List<string[]>(raw.Rows.Count);
        foreach (var row in raw.Rows)
        {
            var tenure = Parse(row[tenureIndex]) ?? 0;
            var monthly = Parse(row[monthlyIndex]) ?? 0;
            // Blank TotalCharges only occurs at tenure 0: nothing billed yet.
            var total = Parse(row[totalIndex]) ?? monthly * tenure;
            var bucket = tenure switch { <= 6 => "0-6", <= 12 => "7-12", <= 24 => "13-24", <= 48 => "25-48", _ => "49+" };
            var services = serviceIndices.Count(i => row[i].Trim() == "Yes") + (row[internetIndex].Trim() == "No" ? 0 : 1);
            var expected = monthly * Math.Max(tenure, 1);
            var ratio = expected > 0 ? total / expected : 1;
            var avg = tenure > 0 ? total / tenure : monthly;
            var fiberNoSecurity = row[internetIndex].Trim() == "Fiber optic" && row[securityIndex].Trim() == "No" ? 1 : 0;
            string[] added =
            [
                bucket,
                services.ToString(CultureInfo.InvariantCulture),
                ratio.ToString("R", CultureInfo.InvariantCulture),
                avg.ToString("R", CultureInfo.InvariantCulture),
                tenure <= 2 ? "1" : "0",
                fiberNoSecurity.ToString(CultureInfo.InvariantCulture),
            ];
            rows.Add([.. row, .. added]);
        }

        return (new TabularData(columns, rows), labels, [.. inputs, .. extra]);
    }

    private static double? Parse(string cell) =>
        double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
