namespace PersonalizationEngine.Learning.Bandits;

/// <summary>The chosen arm, its estimated reward (propensity), and whether it was a control-group draw.</summary>
public readonly record struct BanditChoice(int Arm, double Propensity, bool IsControl);
