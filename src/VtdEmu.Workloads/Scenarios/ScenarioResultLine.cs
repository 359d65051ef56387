namespace VtdEmu.Workloads.Scenarios;

/// <summary>One result a scenario printed: <c>&lt;Text&gt; = &lt;Value&gt;</c> for a read or a DMA.</summary>
/// <param name="Location">The command's file and line.</param>
/// <param name="Text">The command as printed: keyword, device for DMAs, address.</param>
/// <param name="Value">What it read (hex) or how the DMA ended (<c>ok</c>, <c>fault 06</c>).</param>
public sealed record ScenarioResultLine(SourceLocation Location, string Text, string Value)
{
    public override string ToString() => $"{Text} = {Value}";
}
