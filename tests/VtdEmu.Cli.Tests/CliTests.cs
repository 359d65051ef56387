using System.CommandLine;
using VtdEmu.Memory;

namespace VtdEmu.Cli.Tests;

public sealed class CliTests
{
    [Fact]
    public void AssemblyName_DiffersFromTheCoreIgnoringCase()
    {
        // Assembly names compare case-insensitively: an exe called "vtdemu" would be loaded in place
        // of the core "VtdEmu" and fail with TypeLoadException.
        Assert.NotEqual(
            typeof(GuestMemory).Assembly.GetName().Name,
            typeof(Cli).Assembly.GetName().Name,
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Help_ListsTheCommandsAndExitCodes()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCode.Success, Cli.Run(["--help"], output, error));
        foreach (string command in new[] { "demo", "run", "replay", "decode", "trace-gen", "regs", "dump", "x86" })
        {
            Assert.Contains($"  {command} ", output.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes: 0 ok, 1 assertion failed, 2 bad input, 4 internal error", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rn", "'run'")]
    [InlineData("replya", "'replay'")]
    public void MistypedCommand_ErrorKeepsTheSuggestion(string typo, string suggestion)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCode.BadInput, Cli.Run([typo], output, error));

        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains($"Did you mean {suggestion}", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.StartsWith("vtdemu: error: ", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.EndsWith("for usage.", l, StringComparison.Ordinal));
    }

    [Fact]
    public void MistypedOption_ErrorKeepsTheSuggestionAndNamesTheCommandsHelp()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCode.BadInput, Cli.Run(["regs", "--prest", "qemu"], output, error));

        Assert.Contains("Did you mean '--preset'? Run 'vtdemu regs --help' for usage.", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'--page-size'", "replay", "--page-siz", "2M", "t.trace")]
    [InlineData("'--page-size'", "replay", "t.trace", "--page-siz", "2M")]
    [InlineData("'--windows'", "sweep", "--windos", "4K")]
    [InlineData("'--seed'", "trace-gen", "--seeds", "4")]
    [InlineData("'--json'", "decode", "cap", "0", "--jsn")]
    public void MistypedOption_OfEveryKindOfCommand_KeepsTheSuggestion(string suggestion, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string typo = args.First(a => a.StartsWith("--", StringComparison.Ordinal));

        Assert.Equal(ExitCode.BadInput, Cli.Run(args, output, error));

        Assert.Matches($"^vtdemu: error: Unrecognized (command or argument|option) '{typo}'. Did you mean {suggestion}\\? Run 'vtdemu {args[0]} --help' for usage.$", error.ToString().Split('\n')[0]);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public void DoubleDash_KeepsAValueThatLooksLikeAnOption()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCode.BadInput, Cli.Run(["replay", "--", "--no-such-trace"], output, error));

        Assert.StartsWith("vtdemu: error: --no-such-trace: cannot read the trace", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MistypedSubcommand_KeepsTheSuggestionAndNamesTheParentsHelp()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCode.BadInput, Cli.Run(["trace", "convertt"], output, error));

        Assert.Contains("Did you mean 'convert'? Run 'vtdemu trace --help' for usage.", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Options where leaving them out means "none": no default to show.</summary>
    private static readonly HashSet<string> s_withoutDefault =
        ["replay --setup", "sweep --trace", "sweep --shard", "sweep --plot", "x86 --file", "x86 --reg", "plot --series"];

    // Every option of every command: its help row shows its default ("[default: 4K]", by the name the user types), or
    // says in words what happens without it; flags, required options and the listed ones have none.
    [Fact]
    public void Help_ShowsTheDefaultOfEveryOptionThatHasOne()
    {
        using var silent = new StringWriter();
        var checkedOptions = 0;
        foreach ((string path, Command command) in Commands(Cli.CreateRoot(new CliContext(silent, silent)), string.Empty))
        {
            using var output = new StringWriter();
            Assert.Equal(ExitCode.Success, Cli.Run([.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"], output, silent));
            string[] lines = output.ToString().Split('\n');
            foreach (Option option in command.Options.Where(o => !o.Hidden && o.Name is not "--help" and not "--version"))
            {
                string row = HelpRow(lines, option);
                string where = $"vtdemu {path} {option.Name}: {row}";
                if (option.ValueType == typeof(bool))
                {
                    // A flag: absent is off.
                }
                else if (option.HasDefaultValue)
                {
                    string shown = option.GetDefaultValue() is System.Collections.IEnumerable values and not string
                        ? string.Join('|', values.Cast<object>())
                        : Convert.ToString(option.GetDefaultValue(), System.Globalization.CultureInfo.InvariantCulture)!;
                    Assert.True(row.Contains($"[default: {shown}]", StringComparison.Ordinal), where);
                    Assert.DoesNotContain("VtdEmu.", shown, StringComparison.Ordinal);
                    Assert.False(shown.Length > 1 && char.IsUpper(shown[0]) && shown.Skip(1).Any(char.IsLower), $"{where}: a .NET member name as the default");
                }
                else if (!option.Required && !s_withoutDefault.Contains($"{path} {option.Name}"))
                {
                    Assert.True(row.Contains("default", StringComparison.OrdinalIgnoreCase), where);
                }

                checkedOptions++;
            }
        }

        Assert.True(checkedOptions > 50, $"{checkedOptions} options checked");
    }

    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        foreach (Command sub in command.Subcommands)
        {
            string subPath = $"{path} {sub.Name}".Trim();
            yield return (subPath, sub);
            foreach ((string, Command) nested in Commands(sub, subPath))
            {
                yield return nested;
            }
        }
    }

    // The option's row of help: its first line and the lines wrapped under it.
    private static string HelpRow(string[] lines, Option option)
    {
        int first = Array.FindIndex(lines, l => l.TrimStart().Split(' ')[0].TrimEnd(',') is var label && option.Aliases.Prepend(option.Name).Contains(label));
        Assert.True(first >= 0, $"{option.Name} is not in the help");
        IEnumerable<string> rest = lines.Skip(first + 1).TakeWhile(l => l.Length > 0 && !l.TrimStart().StartsWith('-') && l.StartsWith("    ", StringComparison.Ordinal));
        return string.Join(' ', rest.Prepend(lines[first]).Select(l => l.Trim()));
    }
}
