namespace VtdEmu.Workloads.Scenarios;

/// <summary>A line in a scenario or trace file, printed as <c>file:line</c>.</summary>
/// <param name="File">The file name as given to the parser.</param>
/// <param name="Line">The 1-based line number (0 when the location is the whole file).</param>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}" : File;
}
