namespace PersonalizationEngine.Learning.Models;

/// <summary>How a tree model's reasons are attributed (logistic regression always uses its exact contributions).</summary>
internal enum ReasonAttribution
{
    /// <summary>Saabas path attribution: each split's change in node value goes to its feature (artefacts without cover).</summary>
    Saabas,

    /// <summary>Exact path-dependent TreeSHAP with one player per slot; a one-hot column's slots are summed.</summary>
    ShapSlots,

    /// <summary>Exact path-dependent TreeSHAP with one player per column (a one-hot column's slots are one player).</summary>
    ShapColumns,
}
