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
    /// <summary>The source line, shown under the message with a caret at the column; null = no excerpt.</summary>
    public string? SourceLine { get; init; }

    public override string ToString()
    {
        string head = $"{Location}: {Message}";
        if (SourceLine is null || Location.Column <= 0)
        {
            return head;
        }

        // Tabs keep their width in the caret line so the caret sits under the token.
        string line = SourceLine.TrimEnd('\r');
        int column = Math.Min(Location.Column - 1, line.Length);
        string pad = string.Concat(line[..column].Select(c => c == '\t' ? '\t' : ' '));
        return $"{head}{Environment.NewLine}    {line}{Environment.NewLine}    {pad}^";
    }
}
