using System.CommandLine;
using VtdEmu.Iommu;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Scenarios.Iommu;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu run FILE|DIR...</c>: runs scenarios of either language (tests/vectors/README.md). Result lines go to
/// stdout (each file's under a <c># FILE</c> label when there are several); every parse error and failed assertion
/// goes to stderr as <c>file:line: message</c>.
/// </summary>
internal static class RunCommand
{
    /// <summary>The extension <c>run DIR</c> looks for, recursively.</summary>
    public const string Extension = ".scenario";

    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = $"Scenario files, or directories searched recursively for *{Extension} files (run in name order).",
            Arity = ArgumentArity.OneOrMore,
        };
        var parseOnly = new Option<bool>("--parse-only")
        {
            Description = "Only check that the scenarios parse; run nothing.",
        };
        var dump = new Option<bool>("--dump")
        {
            Description = "After each scenario, print the translation structures reachable from the latched root pointer.",
        };
        Option<IommuAttachPolicy> policy = PolicyOption.Create();
        var command = new Command("run", "Run scenario files (register-level *.scenario, IOMMU-level *.iommu): print one line per read, DMA and call, check every assertion.")
        {
            paths,
            parseOnly,
            dump,
            policy,
        };
        FormatOptions format = FormatOptions.AddTo(command);
        command.SetAction(parse => Run(context, parse.GetRequiredValue(paths), parse.GetValue(parseOnly), parse.GetValue(dump), parse.GetRequiredValue(policy), format.IsJson(parse)));
        return command;
    }

    public static int Run(CliContext context, IReadOnlyList<string> paths, bool parseOnly, bool dump) =>
        Run(context, paths, parseOnly, dump, IommuAttachPolicy.Mainline);

    public static int Run(CliContext context, IReadOnlyList<string> paths, bool parseOnly, bool dump, IommuAttachPolicy policy, bool json = false)
    {
        List<string>? files = ExpandPaths(context, paths);
        if (files is null)
        {
            return ExitCode.BadInput;
        }

        List<object> scenarios = [];
        int parseErrors = 0;
        foreach (string file in files)
        {
            (object? scenario, IReadOnlyList<ScenarioError> errors) = ParseAny(file);
            foreach (ScenarioError error in errors)
            {
                context.Error.WriteLine(error);
                parseErrors++;
            }

            if (scenario is not null)
            {
                scenarios.Add(scenario);
            }
        }

        if (parseErrors > 0)
        {
            context.Error.WriteLine($"vtdemu: error: {Plural(parseErrors, "parse error")}; nothing was run. Fix the lines above and run again.");
            return ExitCode.BadInput;
        }

        int commands = scenarios.Sum(s => s is Scenario r ? r.Commands.Length : ((IommuScenario)s).Steps.Length);
        int assertions = scenarios.Sum(s => s is Scenario r ? r.AssertionCount : ((IommuScenario)s).AssertionCount);
        if (parseOnly)
        {
            context.Error.WriteLine($"run: {Plural(scenarios.Count, "scenario")} parsed: {Plural(commands, "command")}, {Plural(assertions, "assertion")}");
            return ExitCode.Success;
        }

        int failures = 0;
        var reports = new List<ScenarioReport>();
        foreach (object scenario in scenarios)
        {
            if (scenarios.Count > 1 && !json)
            {
                context.Out.WriteLine($"# {(scenario is Scenario r ? r.File : ((IommuScenario)scenario).File)}");
            }

            ScenarioReport report = scenario is Scenario registerLevel
                ? RunRegisterLevel(context, registerLevel, dump && !json, json ? TextWriter.Null : context.Out)
                : RunIommuLevel(context, (IommuScenario)scenario, policy, json ? TextWriter.Null : context.Out);
            failures += report.Failures.Count;
            reports.Add(report);
        }

        if (json)
        {
            JsonOutput.Write(context.Out, writer => RunJson.Write(writer, reports, policy));
        }

        context.Error.WriteLine($"run: {Plural(scenarios.Count, "scenario")}, {Plural(commands, "command")}, {Plural(assertions, "assertion")}, {Plural(failures, "failure")}");
        return failures == 0 ? ExitCode.Success : ExitCode.Failed;
    }

    /// <summary>Parses either language, chosen by <see cref="IommuScenarioParser.IsIommuScenario"/>.</summary>
    internal static (object? Scenario, IReadOnlyList<ScenarioError> Errors) ParseAny(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return (null, [new ScenarioError(new SourceLocation(file, 0), $"cannot read the scenario: {e.Message}")]);
        }

        if (IommuScenarioParser.IsIommuScenario(file, text))
        {
            IommuScenarioParseResult iommu = IommuScenarioParser.Parse(file, text);
            return (iommu.Scenario, iommu.Errors);
        }

        ScenarioParseResult result = ScenarioParser.Parse(file, text);
        return (result.Scenario, result.Errors);
    }

    private static ScenarioReport RunRegisterLevel(CliContext context, Scenario scenario, bool dump, TextWriter output)
    {
        if (!context.Platform.TryCreate(scenario.Setup, out IScenarioTarget? target, out ScenarioError? setupError))
        {
            context.Error.WriteLine(setupError);
            return new ScenarioReport(scenario.File, "register", 0, 0, [], [setupError]);
        }

        ScenarioRunResult result = ScenarioRunner.Run(scenario, target, output);
        foreach (ScenarioError failure in result.Failures)
        {
            context.Error.WriteLine(failure);
        }

        if (dump)
        {
            Dump(context, scenario, target);
        }

        return new ScenarioReport(scenario.File, "register", result.CommandsRun, result.AssertionsChecked, result.Results, result.Failures);
    }

    private static ScenarioReport RunIommuLevel(CliContext context, IommuScenario scenario, IommuAttachPolicy policy, TextWriter output)
    {
        IommuScenarioRunResult result = IommuScenarioRunner.Run(scenario, policy, output);
        foreach (ScenarioError failure in result.Failures)
        {
            context.Error.WriteLine(failure);
        }

        ScenarioResultLine[] lines = [.. result.Records.Where(r => r.Result is not null).Select(r => new ScenarioResultLine(r.Step.Location, r.Step.Text, r.Result!))];
        return new ScenarioReport(scenario.File, "iommu", result.Records.Length, result.AssertionsChecked, lines, result.Failures);
    }

    internal static string Plural(int count, string noun) => Counts.Plural(count, noun);

    private static void Dump(CliContext context, Scenario scenario, IScenarioTarget target)
    {
        context.Out.WriteLine($"# dump after {scenario.File}");
        if (target is PlatformScenarioTarget platform)
        {
            PlatformDump.Write(platform.Platform, context.Out);
        }
        else
        {
            context.Out.WriteLine("# this platform has no translation structures to show");
        }
    }

    private static List<string>? ExpandPaths(CliContext context, IReadOnlyList<string> paths)
    {
        List<string> files = [];
        bool ok = true;
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                string[] found =
                [
                    .. Directory.GetFiles(path, "*" + Extension, SearchOption.AllDirectories),
                    .. Directory.GetFiles(path, "*" + IommuScenarioParser.Extension, SearchOption.AllDirectories),
                ];
                Array.Sort(found, StringComparer.Ordinal);
                if (found.Length == 0)
                {
                    context.Error.WriteLine($"vtdemu: error: {path}: no *{Extension} or *{IommuScenarioParser.Extension} files in this directory. Name a file, or a directory that holds scenarios.");
                    ok = false;
                }

                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                context.Error.WriteLine($"vtdemu: error: {path}: no such file or directory. Check the path.");
                ok = false;
            }
        }

        return ok ? files : null;
    }
}
