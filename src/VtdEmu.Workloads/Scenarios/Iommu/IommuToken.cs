namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>A word of a scenario line with its 1-based column (for the caret under an error).</summary>
/// <param name="Text">The word.</param>
/// <param name="Column">Where it starts, 1-based.</param>
public readonly record struct IommuToken(string Text, int Column)
{
    public override string ToString() => Text;
}
