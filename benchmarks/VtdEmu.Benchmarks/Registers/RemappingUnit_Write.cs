using BenchmarkDotNet.Attributes;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Benchmarks.Registers;

/// <summary>A register write through the MMIO entry point (<see cref="IMmio.Write"/>), no observer attached.</summary>
[BenchmarkCategory(Categories.Registers)]
public class RemappingUnit_Write
{
    private RemappingUnit _unit = null!;

    [GlobalSetup]
    public void Setup() =>
        _unit = new RemappingUnit(new GuestMemory(new MemoryRange(0, 1UL << 20)), UnitConfiguration.Qemu);

    /// <summary>FEDATA: a 32-bit plain masked store (no side effect).</summary>
    [Benchmark(Baseline = true)]
    public ulong Write32_FEDATA()
    {
        _unit.Write((ulong)VtdRegister.FEDATA, 4, 0x41);
        return 0x41;
    }

    /// <summary>RTADDR: a 64-bit plain masked store (no side effect).</summary>
    [Benchmark]
    public ulong Write64_RTADDR()
    {
        _unit.Write((ulong)VtdRegister.RTADDR, 8, 0x0010_0000);
        return 0x0010_0000;
    }

    /// <summary>GCMD with TE: a 32-bit write with a side effect (command processed against GSTS).</summary>
    [Benchmark]
    public ulong Write32_GCMD_TE()
    {
        _unit.Write((ulong)VtdRegister.GCMD, 4, (ulong)GlobalCommand.TE);
        return (ulong)GlobalCommand.TE;
    }
}

// Last measured (BenchmarkDotNet 0.15.8, AMD EPYC 2.10GHz, 2 cores shared with other builds,
// .NET 10.0.12 X64 RyuJIT x86-64-v4; machine busy, so StdDev is large):
// | Method          | Job        | Mean     | StdDev   | Median   | Allocated |
// |---------------- |----------- |---------:|---------:|---------:|----------:|
// | Write32_FEDATA  | DefaultJob | 14.80 ns | 3.410 ns | 16.05 ns |         - |
// | Write64_RTADDR  | DefaultJob | 16.74 ns | 3.023 ns | 17.41 ns |         - |
// | Write32_GCMD_TE | DefaultJob | 26.43 ns | 6.591 ns | 25.32 ns |         - |
// | Write32_FEDATA  | ShortRun   | 13.59 ns | 1.349 ns | 13.76 ns |         - |
// | Write64_RTADDR  | ShortRun   | 20.59 ns | 2.795 ns | 20.91 ns |         - |
// | Write32_GCMD_TE | ShortRun   | 32.99 ns | 1.340 ns | 32.57 ns |         - |
