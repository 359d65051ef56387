using System.Collections.Immutable;
using System.Globalization;
using VtdEmu.Devices;
using VtdEmu.Memory;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Executes a scenario against a platform, writing one result line per read and per DMA —
/// <c>&lt;command&gt; &lt;address&gt; = &lt;value&gt;</c> — and checking every assertion. A failed
/// assertion does not stop the run: all of them are collected with their file and line.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>Builds the platform with <paramref name="factory"/>, then runs the scenario on it.</summary>
    public static ScenarioRunResult Run(Scenario scenario, IScenarioTargetFactory factory, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(factory);
        if (!factory.TryCreate(scenario.Setup, out IScenarioTarget? target, out ScenarioError? error))
        {
            return new ScenarioRunResult(0, 0, [error]);
        }

        return Run(scenario, target, output);
    }

    /// <summary>Runs the scenario's commands, in order, on <paramref name="target"/>.</summary>
    public static ScenarioRunResult Run(Scenario scenario, IScenarioTarget target, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        ImmutableArray<ScenarioError>.Builder failures = ImmutableArray.CreateBuilder<ScenarioError>();
        var sink = new ResultSink(output);
        int assertions = 0;
        int unit = 0;
        foreach (ScenarioCommand command in scenario.Commands)
        {
            string? failure = Execute(command, target, sink, ref unit);
            assertions += command.Expectation is null ? 0 : 1;
            if (failure is not null)
            {
                failures.Add(new ScenarioError(command.Location, failure));
            }
        }

        return new ScenarioRunResult(scenario.Commands.Length, assertions, failures.ToImmutable()) { Results = sink.Lines.ToImmutable() };
    }

    /// <summary>Runs one command; returns the failure message, or null. <paramref name="unit"/>: the unit mmio-* address.</summary>
    private static string? Execute(ScenarioCommand command, IScenarioTarget target, ResultSink output, ref int unit)
    {
        ulong address = command.Address;
        switch (command.Kind)
        {
            case ScenarioCommandKind.MmioRead32:
                return Report(command, output, target.UnitMmio(unit).Read(address, 4), 32);
            case ScenarioCommandKind.MmioRead64:
                return Report(command, output, target.UnitMmio(unit).Read(address, 8), 64);
            case ScenarioCommandKind.MmioWrite32:
                target.UnitMmio(unit).Write(address, 4, command.Value);
                return null;
            case ScenarioCommandKind.MmioWrite64:
                target.UnitMmio(unit).Write(address, 8, command.Value);
                return null;
            case ScenarioCommandKind.Unit:
                if (command.Value >= (ulong)target.UnitCount)
                {
                    return $"unit {command.Value}: the platform has {target.UnitCount} (0 to {target.UnitCount - 1})";
                }

                unit = (int)command.Value;
                return null;
            case ScenarioCommandKind.Msi:
                return Words(command, output, $"{command.Name} {command.Device} {ScenarioNumber.FormatAddress(address)} {ScenarioNumber.FormatAddress(command.Value)}",
                    ScenarioOutcomeText.Msi(target.SignalMsi(command.Device.SourceId, address, (uint)command.Value)));
            case ScenarioCommandKind.AtsTranslate:
                return Words(command, output, $"{command.Name} {command.Device} {ScenarioNumber.FormatAddress(address)}",
                    ScenarioOutcomeText.Ats(target.AtsTranslate(command.Device.SourceId, address, command.Pasid, command.Write)));
            case ScenarioCommandKind.PageRequest:
                PageRequestOutcome requested = target.RequestPage(command.Device.SourceId, address, (ushort)command.Value, command.Pasid, command.Write, out PageGroupResponse? response);
                return Words(command, output, $"{command.Name} {command.Device} {ScenarioNumber.FormatAddress(address)}", ScenarioOutcomeText.PageRequest(requested, response));
            case ScenarioCommandKind.PageResponse:
                return Words(command, output, $"{command.Name} {command.Device} {ScenarioNumber.FormatAddress(command.Value)}",
                    ScenarioOutcomeText.PageResponse(target.PageResponse(command.Device.SourceId, (ushort)command.Value)));
            case ScenarioCommandKind.MemRead32:
                return target.Memory.TryRead32(address, out uint value32)
                    ? Report(command, output, value32, 32)
                    : NotRam(command, 4);
            case ScenarioCommandKind.MemRead64:
                return target.Memory.TryRead64(address, out ulong value64)
                    ? Report(command, output, value64, 64)
                    : NotRam(command, 8);
            case ScenarioCommandKind.MemRead:
                return ReadBytes(command, target, output);
            case ScenarioCommandKind.MemWrite32:
                return target.Memory.TryWrite32(address, (uint)command.Value) ? null : NotWritten(command, target.Memory, 4);
            case ScenarioCommandKind.MemWrite64:
                return target.Memory.TryWrite64(address, command.Value) ? null : NotWritten(command, target.Memory, 8);
            case ScenarioCommandKind.MemFill:
                return target.Memory.TryFill(address, command.Length, (byte)command.Value) ? null : NotWritten(command, target.Memory, command.Length);
            default:
                return Dma(command, target, output);
        }
    }

    private static string? Report(ScenarioCommand command, ResultSink output, ulong actual, int bits)
    {
        string text = FormatValue(actual, bits);
        output.Add(command, $"{command.Name} {ScenarioNumber.FormatAddress(command.Address)}", text);
        if (command.Expectation is not { } expected || (actual & expected.Mask) == expected.Value)
        {
            return null;
        }

        return expected.IsMasked
            ? $"{command.Name} {ScenarioNumber.FormatAddress(command.Address)}: expected {FormatValue(expected.Value, bits)} under mask {FormatValue(expected.Mask & WidthMask(bits), bits)}, actual {text} (masked {FormatValue(actual & expected.Mask, bits)})"
            : $"{command.Name} {ScenarioNumber.FormatAddress(command.Address)}: expected {FormatValue(expected.Value, bits)}, actual {text}";
    }

    // One outcome line in words; an assertion holds when its words are among the printed ones.
    private static string? Words(ScenarioCommand command, ResultSink output, string prefix, string outcome)
    {
        output.Add(command, prefix, outcome);
        if (command.Expectation is not { Words.IsDefault: false } expected || ScenarioOutcomeWords.Matches(expected.Words, outcome))
        {
            return null;
        }

        return $"{prefix}: expected {string.Join(' ', expected.Words)}, actual {outcome}";
    }

    private static string? ReadBytes(ScenarioCommand command, IScenarioTarget target, ResultSink output)
    {
        byte[] buffer = new byte[command.Length];
        if (!target.Memory.TryRead(command.Address, buffer))
        {
            return NotRam(command, command.Length);
        }

        string text = Convert.ToHexStringLower(buffer);
        output.Add(command, $"{command.Name} {ScenarioNumber.FormatAddress(command.Address)}", text);
        if (command.Expectation is not { } expected || expected.Bytes.AsSpan().SequenceEqual(buffer))
        {
            return null;
        }

        return $"{command.Name} {ScenarioNumber.FormatAddress(command.Address)}: expected {Convert.ToHexStringLower(expected.Bytes.AsSpan())}, actual {text}";
    }

    private static string? Dma(ScenarioCommand command, IScenarioTarget target, ResultSink output)
    {
        byte[] buffer = new byte[command.Length];
        DmaOutcome outcome;
        if (command.Kind == ScenarioCommandKind.DmaRead)
        {
            outcome = target.DmaRead(command.Device.SourceId, command.Address, buffer, command.Pasid, command.Privileged, command.Execute, command.Translated);
        }
        else
        {
            buffer.AsSpan().Fill((byte)command.Value);
            outcome = target.DmaWrite(command.Device.SourceId, command.Address, buffer, command.Pasid, command.Privileged, command.Execute, command.Translated);
        }

        string prefix = $"{command.Name} {command.Device} {ScenarioNumber.FormatAddress(command.Address)}";
        output.Add(command, prefix, outcome.ToString());
        if (command.Expectation?.Outcome is not { } expected || expected == outcome)
        {
            return null;
        }

        return $"{prefix}: expected {expected}, actual {outcome}";
    }

    private static string NotRam(ScenarioCommand command, ulong length) =>
        $"{command.Name} {ScenarioNumber.FormatAddress(command.Address)}: {length.ToString(CultureInfo.InvariantCulture)} bytes at {ScenarioNumber.FormatAddress(command.Address)} are not all guest RAM";

    // A write to RAM fails only when backing it would pass the host-memory limit (spec-notes/memory.md).
    private static string NotWritten(ScenarioCommand command, GuestMemory memory, ulong length) =>
        !memory.IsRam(command.Address, length)
            ? NotRam(command, length)
            : $"{command.Name} {ScenarioNumber.FormatAddress(command.Address)}: writing {length.ToString(CultureInfo.InvariantCulture)} bytes would take the host memory behind guest RAM past its limit of {FormatBytes(memory.BackingLimit)} ({FormatBytes(memory.BackedBytes)} in use); write less, or fill with 0 (unwritten RAM already reads as 0)";

    private static string FormatBytes(long bytes) =>
        bytes != 0 && bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB" : bytes != 0 && bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";

    private static ulong WidthMask(int bits) => bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;

    /// <summary>Fixed-width lower-case hex without 0x: 8 digits for 32 bits, 16 for 64.</summary>
    private static string FormatValue(ulong value, int bits) =>
        bits == 32 ? ((uint)value).ToString("x8", CultureInfo.InvariantCulture) : value.ToString("x16", CultureInfo.InvariantCulture);

    // Prints each result line and keeps it, with its location, for the run's result.
    private sealed class ResultSink(TextWriter output)
    {
        public ImmutableArray<ScenarioResultLine>.Builder Lines { get; } = ImmutableArray.CreateBuilder<ScenarioResultLine>();

        public void Add(ScenarioCommand command, string text, string value)
        {
            var line = new ScenarioResultLine(command.Location, text, value);
            Lines.Add(line);
            output.WriteLine(line);
        }
    }
}
