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

// Last measured (BenchmarkDotNet 0.15.8, AMD EPYC 2.10GHz, 2 cores shared with other builds,
// .NET 10.0.12 X64 RyuJIT x86-64-v4; machine busy, so StdDev is large):
// | Method      | Job        | Mean     | StdDev    | Median   | Allocated |
// |------------ |----------- |---------:|----------:|---------:|----------:|
// | Read32_GSTS | DefaultJob | 4.612 ns | 2.0427 ns | 4.236 ns |         - |
// | Read64_CAP  | DefaultJob | 4.747 ns | 1.9571 ns | 4.991 ns |         - |
// | Read32_GSTS | ShortRun   | 5.590 ns | 0.6681 ns | 5.244 ns |         - |
// | Read64_CAP  | ShortRun   | 7.262 ns | 1.2472 ns | 7.854 ns |         - |
