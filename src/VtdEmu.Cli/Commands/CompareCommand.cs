using System.CommandLine;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Scenarios.Iommu;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu compare FILE</c>: runs an IOMMU-level scenario under every attach policy and prints, call by call, where
/// the returned errors, the group state or the hardware state differ, then each policy's failed assertions.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = $"An IOMMU-level scenario (*{IommuScenarioParser.Extension})." };
        var command = new Command("compare", "Run an IOMMU-level scenario under the mainline, attach-count and driver-flag policies; print where they differ.")
        {
            file,
        };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(file)));
        return command;
    }

    public static int Run(CliContext context, string file)
    {
        if (!File.Exists(file))
        {
            return CliError.Write(context.Error, $"compare: {file}: no such file", "Check the path.");
        }

        (object? parsed, IReadOnlyList<ScenarioError> errors) = RunCommand.ParseAny(file);
        foreach (ScenarioError error in errors)
        {
            context.Error.WriteLine(error);
        }

        if (parsed is not IommuScenario scenario)
        {
            return errors.Count > 0
                ? CliError.Write(context.Error, $"compare: {RunCommand.Plural(errors.Count, "parse error")}; nothing was compared", "Fix the lines above and run again.")
                : CliError.Write(
                    context.Error,
                    $"compare: {file} is a register-level scenario; compare needs an IOMMU-level one",
                    $"Name a *{IommuScenarioParser.Extension} file, or one whose first line is '{IommuScenarioParser.Directive}'.");
        }

        IommuScenarioComparison comparison = IommuScenarioComparison.Run(scenario);
        if (comparison.Runs.Any(r => r.Records.IsEmpty && !r.Failures.IsEmpty))
        {
            foreach (ScenarioError failure in comparison.Runs.SelectMany(r => r.Failures).Distinct())
            {
                context.Error.WriteLine(failure);
            }

            return CliError.Write(context.Error, "compare: the scenario stopped before its first call; nothing was compared", "Fix the lines above and run again.", ExitCode.Failed);
        }

        int width = comparison.Policies.Max(p => p.Name.Length);
        foreach (IommuStepDifference difference in comparison.Differences)
        {
            string what = string.Join(", ", new[] { (difference.ResultDiffers, "result"), (difference.GroupsDiffer, "groups"), (difference.HardwareDiffers, "hardware") }
                .Where(x => x.Item1).Select(x => x.Item2));
            context.Out.WriteLine($"{difference.Step.Location}: {difference.Step.Text}  [{what} differ]");
            for (int i = 0; i < comparison.Policies.Length; i++)
            {
                IommuStepRecord record = difference.Records[i];
                string name = comparison.Policies[i].Name.PadRight(width);
                context.Out.WriteLine($"  {name}  = {record.Result ?? "(not run: " + record.Failure + ")"}");
                if (difference.GroupsDiffer)
                {
                    context.Out.WriteLine($"  {new string(' ', width)}    {record.Groups}");
                }

                if (difference.HardwareDiffers)
                {
                    context.Out.WriteLine($"  {new string(' ', width)}    {record.Hardware}");
                }
            }
        }

        foreach (IommuScenarioRunResult run in comparison.Runs)
        {
            foreach (ScenarioError failure in run.Failures)
            {
                context.Out.WriteLine($"{run.Policy.Name}: {failure}");
            }
        }

        context.Error.WriteLine($"compare: {RunCommand.Plural(scenario.Steps.Length, "call")}, {RunCommand.Plural(comparison.Differences.Length, "call")} where the policies differ "
            + $"({comparison.Differences.Count(d => d.ResultDiffers)} in the returned result)");
        return ExitCode.Success;
    }
}
