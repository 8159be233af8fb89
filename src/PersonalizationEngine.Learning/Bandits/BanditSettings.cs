namespace PersonalizationEngine.Learning.Bandits;

/// <summary>
/// <para><see cref="Exploration"/> is α for LinUCB (Li et al. 2010), v for linear Thompson sampling
/// (Agrawal &amp; Goyal 2013) and ε for epsilon-greedy (Azure Personalizer's default is 0.05).</para>
/// <para><see cref="PriorMean"/>: models predict PriorMean + θ·x and learn the residual, so a cold arm's
/// propensity is the prior (Pega adaptive models start at 0.5), which is also optimistic for rare rewards and
/// so drives exploration of untried arms.</para>
/// <para><see cref="Ridge"/> is λ in A = λI + Σ x xᵀ.</para>
/// </summary>
public sealed record BanditSettings(
    BanditAlgorithm Algorithm,
    int Arms,
    int Dimension,
    double Exploration = 1.0,
    double PriorMean = 0.5,
    double Ridge = 1.0,
    double ControlShare = 0.0);
