using System.Collections.Immutable;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>One parsed line of an IOMMU-level scenario.</summary>
/// <param name="Location">File and line.</param>
/// <param name="Verb">The keyword.</param>
/// <param name="Operands">The positional operands, checked against the verb's operand kinds.</param>
/// <param name="Options">The options given, by key (<c>acs</c>, <c>pasid</c>; a flag maps to an empty value).</param>
/// <param name="Expected">The words after <c>==</c>, or default when the line asserts nothing.</param>
public sealed record IommuStep(
    SourceLocation Location,
    IommuVerb Verb,
    ImmutableArray<IommuToken> Operands,
    ImmutableDictionary<string, string> Options,
    ImmutableArray<string> Expected)
{
    /// <summary>The line as written (no comment), for the caret under an error.</summary>
    public string SourceLine { get; init; } = string.Empty;

    /// <summary>The line as printed before its result: keyword and operands, single-spaced.</summary>
    public string Text => Operands.IsEmpty ? Verb.Name : $"{Verb.Name} {string.Join(' ', Operands)}";

    /// <summary>True when the line ends in <c>== ...</c>.</summary>
    public bool HasExpectation => !Expected.IsDefault;

    /// <summary>An option's value, or null when not given.</summary>
    public string? Option(string key) => Options.GetValueOrDefault(key);
}
