using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Translation;

namespace VtdEmu.Benchmarks.Translation;

/// <summary>Guest memory with one mapping per benchmark, written as raw entries (the benchmarks cannot use the test builders).</summary>
internal sealed class BenchmarkTables
{
    public const ulong Iova = 0x12_3456_7000;
    public const ulong Hpa = 0x4000_0000;
    public const int Haw = 46;

    private ulong _next = 0x10_0000;

    public GuestMemory Memory { get; } = new(new MemoryRange(0, 0x1_0000_0000));

    /// <summary>SAGAW 3/4/5-level, MGAW 57-bit, 2 MiB and 1 GiB pages; PT and scalable mode with SL.</summary>
    public static TranslationParameters Parameters { get; } = new(
        new CapabilityRegister((0b01110UL << 8) | (56UL << 16) | (0b11UL << 34)),
        new ExtendedCapabilityRegister((1UL << 6) | (1UL << 43) | (1UL << 46)),
        Haw);

    public ulong Page()
    {
        ulong page = _next;
        _next += 0x1000;
        return page;
    }

    /// <summary>Second-level tables of <paramref name="levels"/> levels mapping <see cref="Iova"/> with one page of <paramref name="pageSize"/>.</summary>
    public ulong SecondLevel(int levels, ulong pageSize)
    {
        int leafLevel = pageSize switch { 0x1000 => 1, 0x20_0000 => 2, _ => 3 };
        ulong root = Page();
        ulong table = root;
        for (int level = levels; level > leafLevel; level--)
        {
            ulong next = Page();
            Write(Slot(table, level), SecondLevelPageTableEntry.Create(next, read: true, write: true).Raw);
            table = next;
        }

        Write(Slot(table, leafLevel), SecondLevelPageTableEntry.Create(Hpa, read: true, write: true, pageSize: leafLevel > 1).Raw);
        return root;
    }

    public void Write(ulong address, ulong value)
    {
        if (!Memory.TryWrite64(address, value))
        {
            throw new InvalidOperationException($"benchmark table write outside RAM at 0x{address:X}");
        }
    }

    private static ulong Slot(ulong table, int level) => table + (((Iova >> (12 + (9 * (level - 1)))) & 0x1FF) * 8);
}
