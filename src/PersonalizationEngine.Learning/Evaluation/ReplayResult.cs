namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>Replay outcome: rows where the policy agreed with the logger, rewards collected on them, and the CTR estimate.</summary>
public sealed record ReplayResult(int LoggedRows, int MatchedRows, long Rewards, Estimate Ctr);
