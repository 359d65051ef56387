namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// A problem found in a scenario: a line that does not parse, a directive the model cannot
/// honour, or an assertion whose actual value differs from the expected one. Errors are values;
/// nothing in the scenario engine throws for bad input.
/// </summary>
/// <param name="Location">Where the problem is.</param>
/// <param name="Message">What was expected and what was found.</param>
public sealed record ScenarioError(SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}
