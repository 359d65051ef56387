using System.CommandLine;
using Spectre.Console;
using VtdEmu.Registers;
using VtdEmu.Workloads.Recordings;
using VtdEmu.Workloads.Reporting;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu replay-mmio DIR [--haw N]</c>: replays a recorded driver boot (linux-boot layout) against
/// the model and prints what matched; every mismatch is printed with its file, line and register.
/// Exit 0 when everything matches or every difference is a documented departure of the recorded
/// hardware from the spec, 1 otherwise, 2 for a recording that does not parse.
/// </summary>
internal static class ReplayMmioCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("dir") { Description = "The recording's folder: mmio.trace, qi.trace, regs-reset.txt, regs-final.txt, translations.trace, mem-iommu.bin.zst [, mem-decode.txt]." };
        var haw = new Option<int?>("--haw")
        {
            Description = $"Host address width in bits ({UnitConfiguration.MinHostAddressWidth}-{UnitConfiguration.MaxHostAddressWidth}; default CAP.MGAW + 1, as QEMU reports it).",
            CustomParser = r => NumberParsing.ParseInt(r),
        };
        var command = new Command("replay-mmio", "Replay a recorded driver boot (register accesses, invalidation queue, final tables) against the model.") { directory, haw };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(directory), parse.GetValue(haw)));
        return command;
    }

    private static int Run(CliContext context, string directory, int? haw)
    {
        if (haw is < UnitConfiguration.MinHostAddressWidth or > UnitConfiguration.MaxHostAddressWidth)
        {
            return CliError.Write(
                context.Error,
                $"replay-mmio: --haw: expected {UnitConfiguration.MinHostAddressWidth} to {UnitConfiguration.MaxHostAddressWidth} bits, found {haw}",
                "Give the host address width of the recorded machine, or leave --haw out.");
        }

        LinuxBootRecording? recording = LinuxBootRecording.TryLoad(directory, out ScenarioError? error);
        if (recording is null)
        {
            return CliError.Write(
                context.Error,
                error?.Location.File == directory ? $"replay-mmio: {error}" : $"replay-mmio: {directory}: {error}",
                "Name a recording's folder (its layout is in tests/data/linux-boot/README.md).");
        }

        MmioReplayResult result = MmioReplayer.Replay(recording, haw);
        context.ConsoleFor(context.Out).Write(Summary(directory, result));
        foreach (ReplayMismatch mismatch in result.Mismatches)
        {
            context.Out.WriteLine(mismatch.Documented is null ? $"mismatch: {mismatch}" : $"documented: {mismatch}");
        }

        if (!result.Passed)
        {
            context.Error.WriteLine($"replay-mmio: {Counts.Plural(result.Failures, "mismatch")} between the model and the recording");
            return ExitCode.Failed;
        }

        return ExitCode.Success;
    }

    private static Table Summary(string directory, MmioReplayResult r)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var table = new Table { Title = new TableTitle($"replay-mmio {Markup.Escape(name)}") };
        table.AddColumn("Check");
        table.AddColumn(new TableColumn("Result").RightAligned());
        table.AddRow("accesses", $"{r.Accesses}");
        table.AddRow("reads matched", $"{r.ReadsMatched}/{r.Reads}");
        table.AddRow("descriptors processed", $"{r.DescriptorsProcessed}/{r.DescriptorsRecorded} ({r.DescriptorsMatched} matched, {r.StatusWritesMatched} wait status writes)");
        table.AddRow("registers matched", $"{r.FinalRegisters.Matched}/{r.FinalRegisters.Compared} (at reset {r.ResetRegisters.Matched}/{r.ResetRegisters.Compared})");
        table.AddRow("translations matched", $"{r.TranslationsMatched} ({r.TranslationsUnmapped} of {r.Translations} unmapped since)");
        if (r.HasInterruptRemapping)
        {
            table.AddRow("IRTEs matched", $"{r.IrtesMatched}/{r.IrtesRecorded}");
            table.AddRow("MSIs remapped", $"{r.InterruptsRemapped}/{r.InterruptsSent}");
        }
        else
        {
            table.AddRow("interrupt remapping", "not recorded");
        }

        table.AddRow("mismatches", r.Mismatches.Count == r.Failures ? $"{r.Failures}" : $"{r.Failures} (+{r.Mismatches.Count - r.Failures} documented)");
        return table;
    }
}
