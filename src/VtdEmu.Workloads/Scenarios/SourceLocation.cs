namespace VtdEmu.Workloads.Scenarios;

/// <summary>A place in a scenario or trace file, printed as <c>file:line</c> or <c>file:line:column</c>.</summary>
/// <param name="File">The file name as given to the parser.</param>
/// <param name="Line">The 1-based line number (0 when the location is the whole file).</param>
/// <param name="Column">The 1-based column of the offending token (0 when the whole line is meant).</param>
public readonly record struct SourceLocation(string File, int Line, int Column = 0)
{
    public override string ToString() => Line <= 0 ? File : Column > 0 ? $"{File}:{Line}:{Column}" : $"{File}:{Line}";
}
