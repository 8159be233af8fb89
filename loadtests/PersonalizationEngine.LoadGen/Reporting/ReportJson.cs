using System.Text.Json;
using System.Text.Json.Serialization;

namespace PersonalizationEngine.LoadGen.Reporting;

public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize(RunReport report) => JsonSerializer.Serialize(report, Options);

    public static RunReport? Deserialize(string json) => JsonSerializer.Deserialize<RunReport>(json, Options);
}
