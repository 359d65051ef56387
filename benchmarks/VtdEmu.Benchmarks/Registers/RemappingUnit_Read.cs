using BenchmarkDotNet.Attributes;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Benchmarks.Registers;

/// <summary>A register read through the MMIO entry point (<see cref="IMmio.Read"/>), no observer attached.</summary>
[BenchmarkCategory(Categories.Registers)]
public class RemappingUnit_Read
{
    private IMmio _unit = null!;

    [GlobalSetup]
    public void Setup() =>
        _unit = new RemappingUnit(new GuestMemory(new MemoryRange(0, 1UL << 20)), UnitConfiguration.Qemu);

    /// <summary>GSTS: a 32-bit status read, what a driver polls after every GCMD write.</summary>
    [Benchmark(Baseline = true)]
    public ulong Read32_GSTS() => _unit.Read((ulong)VtdRegister.GSTS, 4);

    /// <summary>CAP: a 64-bit read.</summary>
    [Benchmark]
    public ulong Read64_CAP() => _unit.Read((ulong)VtdRegister.CAP, 8);
}
