namespace PersonalizationEngine.Learning.Models;

public enum RiskBand
{
    Low,
    Medium,
    High,
}
