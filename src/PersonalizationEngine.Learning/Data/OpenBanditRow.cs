namespace PersonalizationEngine.Learning.Data;

/// <summary>One logged impression of the Open Bandit Dataset (Saito et al. 2021): item shown at a slot, click, logging propensity.</summary>
public sealed record OpenBanditRow(DateTimeOffset Timestamp, int ItemId, int Position, int Click, double Propensity, string[] UserFeatures, double[] Affinity);
