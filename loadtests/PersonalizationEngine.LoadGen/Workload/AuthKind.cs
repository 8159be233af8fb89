namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>Native routes take a Bearer key; Segment routes take the write key as the Basic-auth user name.</summary>
public enum AuthKind
{
    Bearer,
    SegmentWriteKey,
}
