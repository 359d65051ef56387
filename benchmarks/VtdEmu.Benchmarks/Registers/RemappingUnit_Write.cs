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
