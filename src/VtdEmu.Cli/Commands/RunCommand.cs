using System.CommandLine;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu run FILE|DIR...</c>: runs scenarios (tests/vectors/README.md). Result lines go to
/// stdout; every parse error and failed assertion goes to stderr as <c>file:line: message</c>.
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
        var command = new Command("run", "Run scenario files: print one line per read and per DMA, check every assertion.")
        {
            paths,
            parseOnly,
            dump,
        };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(paths), parse.GetValue(parseOnly), parse.GetValue(dump)));
        return command;
    }

    public static int Run(CliContext context, IReadOnlyList<string> paths, bool parseOnly, bool dump)
    {
        List<string>? files = ExpandPaths(context, paths);
        if (files is null)
        {
            return ExitCode.BadInput;
        }

        List<Scenario> scenarios = [];
        int parseErrors = 0;
        foreach (string file in files)
        {
            ScenarioParseResult result = ScenarioParser.ParseFile(file);
            foreach (ScenarioError error in result.Errors)
            {
                context.Error.WriteLine(error);
                parseErrors++;
            }

            if (result.Succeeded)
            {
                scenarios.Add(result.Scenario);
            }
        }

        if (parseErrors > 0)
        {
            context.Error.WriteLine($"run: {parseErrors} parse error{(parseErrors == 1 ? string.Empty : "s")}; nothing was run");
            return ExitCode.BadInput;
        }

        int commands = scenarios.Sum(s => s.Commands.Length);
        int assertions = scenarios.Sum(s => s.AssertionCount);
        if (parseOnly)
        {
            context.Error.WriteLine($"run: {scenarios.Count} scenario(s) parsed: {commands} commands, {assertions} assertions");
            return ExitCode.Success;
        }

        int failures = 0;
        foreach (Scenario scenario in scenarios)
        {
            if (!context.Platform.TryCreate(scenario.Setup, out IScenarioTarget? target, out ScenarioError? setupError))
            {
                context.Error.WriteLine(setupError);
                failures++;
                continue;
            }

            ScenarioRunResult result = ScenarioRunner.Run(scenario, target, context.Out);
            foreach (ScenarioError failure in result.Failures)
            {
                context.Error.WriteLine(failure);
            }

            failures += result.Failures.Length;
            if (dump)
            {
                Dump(context, scenario, target);
            }
        }

        context.Error.WriteLine($"run: {scenarios.Count} scenario(s), {commands} commands, {assertions} assertions, {failures} failure(s)");
        return failures == 0 ? ExitCode.Success : ExitCode.Failed;
    }

    private static void Dump(CliContext context, Scenario scenario, IScenarioTarget target)
    {
        context.Out.WriteLine($"# dump after {scenario.File}");
        if (target is PlatformScenarioTarget platform)
        {
            TranslationStructureDump.Write(platform.Platform, context.Out);
            CacheContentsDump.Write(platform.Platform, context.Out);
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
                string[] found = Directory.GetFiles(path, "*" + Extension, SearchOption.AllDirectories);
                Array.Sort(found, StringComparer.Ordinal);
                if (found.Length == 0)
                {
                    context.Error.WriteLine($"{path}: no *{Extension} files in this directory");
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
                context.Error.WriteLine($"{path}: no such file or directory");
                ok = false;
            }
        }

        return ok ? files : null;
    }
}
