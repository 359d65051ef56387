using System.Collections.Immutable;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>
/// One keyword of the IOMMU-level scenario language: its operands, the <c>key=value</c> options or bare flags it
/// accepts after them, whether it is a setup line (before the first call) and whether it prints a result. New
/// commands are one more row in <see cref="IommuVerbs"/> and one more case in the runner.
/// </summary>
/// <param name="Name">The keyword.</param>
/// <param name="Usage">The operand names, for usage messages.</param>
/// <param name="Operands">The positional operands, in order.</param>
/// <param name="Options">Accepted options: <c>key=</c> takes a value, a bare word is a flag.</param>
/// <param name="IsSetup">A topology or platform line: only before the first call.</param>
/// <param name="PrintsResult">The line prints a result and may end in an assertion.</param>
public sealed record IommuVerb(string Name, string Usage, ImmutableArray<IommuOperand> Operands, ImmutableArray<string> Options, bool IsSetup, bool PrintsResult);
