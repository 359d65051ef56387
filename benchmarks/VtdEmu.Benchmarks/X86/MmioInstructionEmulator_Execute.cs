using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using VtdEmu.X86;

namespace VtdEmu.Benchmarks.X86;

/// <summary>
/// Cost of one trapped MMIO access: cache lookup (or decode), effective-address check, the access
/// on a small array-backed register block, and the CPU state update. Each invocation resets RIP so
/// the same trap site is hit again, as a driver polling or programming a register does.
/// </summary>
[BenchmarkCategory(Categories.X86)]
[MedianColumn]
public class MmioInstructionEmulator_Execute
{
    private const ulong RegionBase = 0xFED9_0000;
    private const ulong Rip = 0xFFFF_FFFF_8100_0000;

    // mov dword ptr [rdi+18h], eax — GCMD write, the common store.
    private static readonly byte[] s_storeGcmd = [0x89, 0x47, 0x18];

    // mov rax, qword ptr [rbx+88h] — IQT read, a 64-bit load.
    private static readonly byte[] s_loadIqt = [0x48, 0x8B, 0x83, 0x88, 0x00, 0x00, 0x00];

    // or dword ptr [rdi+18h], 80000000h — read-modify-write with flags.
    private static readonly byte[] s_orGcmd = [0x81, 0x4F, 0x18, 0x00, 0x00, 0x00, 0x80];

    private readonly CpuState _cpu = new() { Rip = Rip };
    private readonly ArrayMmio _device = new();
    private MmioInstructionEmulator _cached = null!;
    private MmioInstructionEmulator _uncached = null!;
    private byte[] _alternate = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cpu[GeneralRegister.RDI] = RegionBase;
        _cpu[GeneralRegister.RBX] = RegionBase;
        _cpu[GeneralRegister.RAX] = 0x8000_0000;
        _cached = new MmioInstructionEmulator();
        _uncached = new MmioInstructionEmulator();
        _alternate = [0x89, 0x47, 0x1C]; // same RIP, different bytes: forces a decode every other call
    }

    [Benchmark(Baseline = true, Description = "store GCMD (cached)")]
    public MmioStatus StoreCached()
    {
        _cpu.Rip = Rip;
        return _cached.Execute(s_storeGcmd, _cpu, RegionBase + 0x18, RegionBase, _device).Status;
    }

    [Benchmark(Description = "load IQT (cached)")]
    public MmioStatus LoadCached()
    {
        _cpu.Rip = Rip;
        return _cached.Execute(s_loadIqt, _cpu, RegionBase + 0x88, RegionBase, _device).Status;
    }

    [Benchmark(Description = "or GCMD RMW (cached)")]
    public MmioStatus ReadModifyWriteCached()
    {
        _cpu.Rip = Rip;
        return _cached.Execute(s_orGcmd, _cpu, RegionBase + 0x18, RegionBase, _device).Status;
    }

    [Benchmark(Description = "store (decode every call)", OperationsPerInvoke = 2)]
    public MmioStatus StoreDecoded()
    {
        // Alternating bytes at one RIP defeat the cache, so this is Iced decode + classify + execute.
        _cpu.Rip = Rip;
        _uncached.Execute(s_storeGcmd, _cpu, RegionBase + 0x18, RegionBase, _device);
        _cpu.Rip = Rip;
        return _uncached.Execute(_alternate, _cpu, RegionBase + 0x1C, RegionBase, _device).Status;
    }

    /// <summary>A plain register block: little-endian bytes, no register semantics.</summary>
    private sealed class ArrayMmio : IMmio
    {
        private readonly byte[] _bytes = new byte[0x1000];

        public int Length => _bytes.Length;

        public ulong Read(ulong offset, int size) => size switch
        {
            8 => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)offset)),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)offset)),
            2 => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)offset)),
            _ => _bytes[(int)offset],
        };

        public void Write(ulong offset, int size, ulong value)
        {
            switch (size)
            {
                case 8: BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan((int)offset), value); break;
                case 4: BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan((int)offset), (uint)value); break;
                case 2: BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan((int)offset), (ushort)value); break;
                default: _bytes[(int)offset] = (byte)value; break;
            }
        }
    }
}

// Measured 2026-11-24, `--filter '*MmioInstructionEmulator_Execute*' --job short` (the shared config
// also ran the default job), on a shared 2-core machine with other builds running, so noisy.
// BenchmarkDotNet v0.15.8, Linux Debian 12; AMD EPYC 2.10GHz, 2 cores; .NET 10.0.12, X64 RyuJIT x86-64-v4.
// (Median column added after this run.)
//
// | Method                      | Job        | Mean      | Error      | StdDev    | Allocated |
// |---------------------------- |----------- |----------:|-----------:|----------:|----------:|
// | 'store GCMD (cached)'       | DefaultJob |  43.40 ns |   3.452 ns | 10.178 ns |         - |
// | 'load IQT (cached)'         | DefaultJob |  39.64 ns |   2.999 ns |  8.842 ns |         - |
// | 'or GCMD RMW (cached)'      | DefaultJob |  59.44 ns |   2.463 ns |  7.183 ns |         - |
// | 'store (decode every call)' | DefaultJob | 123.29 ns |   7.130 ns | 21.023 ns |         - |
// | 'store GCMD (cached)'       | ShortRun   |  59.24 ns |  88.585 ns |  4.856 ns |         - |
// | 'load IQT (cached)'         | ShortRun   |  48.96 ns |  68.454 ns |  3.752 ns |         - |
// | 'or GCMD RMW (cached)'      | ShortRun   |  64.07 ns |  31.764 ns |  1.741 ns |         - |
// | 'store (decode every call)' | ShortRun   |  92.29 ns | 114.793 ns |  6.292 ns |         - |
