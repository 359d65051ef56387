using System.Collections.Immutable;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>A parsed IOMMU-level scenario: setup lines (platform and topology), then calls, in file order.</summary>
/// <param name="File">The file name as given to the parser.</param>
/// <param name="Setup">Setup lines in order.</param>
/// <param name="Steps">Calls in order.</param>
public sealed record IommuScenario(string File, ImmutableArray<IommuStep> Setup, ImmutableArray<IommuStep> Steps)
{
    /// <summary>How many calls end in an assertion.</summary>
    public int AssertionCount => Steps.Count(s => s.HasExpectation);
}
