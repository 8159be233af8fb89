namespace PersonalizationEngine.Learning.Bandits;

/// <summary>
/// One arm's learning state as plain data: pulls and reward sum (enough for Beta–Bernoulli), plus the ridge
/// statistics of linear bandits — A⁻¹ (row-major d×d, kept directly via Sherman–Morrison) and b = Σ r·x.
/// </summary>
public sealed record ArmState(long Pulls, double RewardSum, double[] B, double[] AInverse);
