namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>What one call did: its printed result and the state after it, for assertions and for comparing policies.</summary>
/// <param name="Step">The call.</param>
/// <param name="Result">The printed result (<c>0</c>, <c>-EBUSY</c>, <c>ok</c>, ...), or null when the call could not run.</param>
/// <param name="Groups">Every group's devices, domain, owner and counts after the call.</param>
/// <param name="Hardware">Every device's context entry as the hardware reads it from guest RAM after the call.</param>
/// <param name="Failure">Why the call could not run or its assertion failed; null when neither.</param>
public sealed record IommuStepRecord(IommuStep Step, string? Result, string Groups, string Hardware, string? Failure);
