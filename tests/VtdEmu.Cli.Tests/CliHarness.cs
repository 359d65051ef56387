using VtdEmu.Devices;
using VtdEmu.Interrupts;
using System.Diagnostics.CodeAnalysis;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Cli.Tests;

/// <summary>Runs <c>vtdemu</c> in-process with captured streams and a scratch directory.</summary>
internal sealed class CliHarness : IDisposable
{
    private readonly StringWriter _out = new() { NewLine = "\n" };
    private readonly StringWriter _error = new() { NewLine = "\n" };

    public CliHarness() => Directory.CreateDirectory(Scratch);

    /// <summary>tests/vectors in the source tree, found by walking up from the test binaries.</summary>
    public static string VectorsDirectory { get; } = FindVectors();

    /// <summary>tests/data/linux-boot in the source tree (the shipped Linux boot recordings).</summary>
    public static string LinuxBootDirectory { get; } = Path.Combine(Path.GetDirectoryName(VectorsDirectory)!, "data", "linux-boot");

    public string Scratch { get; } = Path.Combine(Path.GetTempPath(), $"vtdemu-cli-{Guid.NewGuid():n}");

    public string Out => _out.ToString();

    public string Error => _error.ToString();

    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The platform factory handed to the CLI; null = the hardware model (as in the shipped build).</summary>
    public IScenarioTargetFactory? Platform { get; set; }

    public int Run(params string[] args) =>
        Cli.Run(args, new CliContext(_out, _error) { Platform = Platform ?? new PlatformScenarioTargetFactory() });

    public string Write(string name, string text)
    {
        string path = Path.Combine(Scratch, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string FindVectors()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "vectors");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/vectors not found above the test binaries");
    }

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
        Directory.Delete(Scratch, recursive: true);
    }
}

/// <summary>
/// A stand-in platform: registers read as their offset, RAM per setup, and DMA that completes
/// below IOVA 0x10000 and is blocked above it with fault 04 (address beyond the width).
/// </summary>
internal sealed class FakePlatform : IScenarioTargetFactory
{
    public List<ScenarioSetup> Setups { get; } = [];

    public bool TryCreate(ScenarioSetup setup, [NotNullWhen(true)] out IScenarioTarget? target, [NotNullWhen(false)] out ScenarioError? error)
    {
        Setups.Add(setup);
        if (setup.Preset != ScenarioSetup.DefaultPreset)
        {
            target = null;
            error = new ScenarioError(setup.PresetLocation ?? new SourceLocation(setup.File, 0), $"preset: unknown preset '{setup.Preset}'");
            return false;
        }

        target = new Target(new GuestMemory([.. setup.Ram]));
        error = null;
        return true;
    }

    private sealed class Target(GuestMemory memory) : IScenarioTarget, IMmio
    {
        public IMmio Mmio => this;

        public GuestMemory Memory => memory;

        public int Length => 0x1000;

        public ulong Read(ulong offset, int size) => offset;

        public void Write(ulong offset, int size, ulong value)
        {
        }

        public int UnitCount => 1;

        public IMmio UnitMmio(int index) => this;

        public DmaOutcome DmaRead(ushort sourceId, ulong iova, Span<byte> destination, uint? pasid = null, bool privileged = false, bool execute = false, bool translated = false) => Outcome(iova);

        public DmaOutcome DmaWrite(ushort sourceId, ulong iova, ReadOnlySpan<byte> source, uint? pasid = null, bool privileged = false, bool execute = false, bool translated = false) => Outcome(iova);

        // Interrupts pass through untranslated; ATS and page requests are not supported by this stand-in.
        public InterruptRemapResult SignalMsi(ushort sourceId, ulong address, uint data) =>
            new(InterruptStatus.Delivered, new ApicInterrupt((uint)(address >> 12) & 0xFF, (byte)data));

        public AtsCompletion AtsTranslate(ushort sourceId, ulong iova, uint? pasid, bool write) =>
            new(false, iova & ~0xFFFUL, 0, 12, false, false, FaultReason.ContextEntryNotPresent);

        public PageRequestOutcome RequestPage(ushort sourceId, ulong iova, ushort groupIndex, uint? pasid, bool write, out PageGroupResponse? response)
        {
            response = null;
            return PageRequestOutcome.Unsupported;
        }

        public PageGroupResponse? PageResponse(ushort sourceId, ushort groupIndex) => null;

        private static DmaOutcome Outcome(ulong iova) => iova < 0x10000 ? DmaOutcome.Ok : new DmaOutcome(FaultReason.AddressBeyondWidth);
    }
}
