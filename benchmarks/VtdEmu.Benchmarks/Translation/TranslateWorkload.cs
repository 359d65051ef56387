using VtdEmu.Caches;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Translation;

namespace VtdEmu.Benchmarks.Translation;

/// <summary>The working sets of issue 11, each measured against the baseline.</summary>
public enum TranslateCase
{
    /// <summary>48 hot 4 KiB pages, random order: every lookup hits a 64-entry 4-way IOTLB.</summary>
    Hits48,

    /// <summary>256 4 KiB pages, uniform random: about 25 % IOTLB hits.</summary>
    Random256,

    /// <summary>A 1 GiB span of 4 KiB pages, uniform random: no IOTLB hits, a walk per request.</summary>
    Random1GiB,

    /// <summary>The same 1 GiB span mapped with 2 MiB pages, uniform random.</summary>
    Random1GiB2MiB,

    /// <summary>32 MiB of 4 KiB pages under 4-level tables: IOTLB misses, the leaf table's PDE always cached.</summary>
    FourLevelPscWarm,
}

/// <summary>
/// One working set built twice with identical tables: in the model's <see cref="GuestMemory"/> under a
/// legacy-mode unit (64-entry 4-way LRU IOTLB, 2 MiB entries in the same array) and in the
/// baseline's flat RAM array. Addresses are a fixed-seed random sequence.
/// </summary>
internal sealed class TranslateWorkload
{
    public const ushort Sid = 0x0310;
    public const ushort Did = 7;
    public const int Length = 4096;
    private const ulong OutputBase = 0x10_0000_0000;
    private const ulong TablesBase = 0x10_0000;

    private readonly GuestMemory _memory = new(new MemoryRange(0, 0x1_0000_0000));
    private readonly ulong[] _ram;
    private ulong _next = TablesBase;

    public TranslateWorkload(TranslateCase kind)
    {
        (int levels, ulong pageSize, ulong pages) = kind switch
        {
            TranslateCase.Hits48 => (3, 0x1000UL, 48UL),
            TranslateCase.Random256 => (3, 0x1000UL, 256UL),
            TranslateCase.Random1GiB => (3, 0x1000UL, 0x4_0000UL),
            TranslateCase.Random1GiB2MiB => (3, 0x20_0000UL, 512UL),
            _ => (4, 0x1000UL, 0x2000UL),
        };

        // Tables take at most one 4 KiB table per 512 leaves plus the upper levels.
        _ram = new ulong[(TablesBase + ((pages / 512) + 8) * 0x1000 + 0x1000) / 8];
        ulong slRoot = Page();
        for (ulong i = 0; i < pages; i++)
        {
            Map(slRoot, levels, i * pageSize, pageSize);
        }

        var random = new Random(11);
        Iovas = new ulong[Length];
        for (int i = 0; i < Length; i++)
        {
            Iovas[i] = ((ulong)random.NextInt64((long)pages) * pageSize) + ((ulong)random.Next(0x1000) & ~7UL);
        }

        ulong rootTable = Page();
        ulong contextTable = Page();
        Write(rootTable + ((ulong)(Sid >> 8) * 16), RootEntry.Create(contextTable).Low);
        var context = ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slRoot, aw: levels - 2);
        ulong contextSlot = contextTable + ((ulong)(Sid & 0xFF) * ContextEntry.Size);
        Write(contextSlot, context.Low);
        Write(contextSlot + 8, context.High);

        UnitConfiguration configuration = levels == 3 ? UnitConfiguration.Qemu : UnitConfiguration.SapphireRapids;
        Unit = new RemappingUnit(_memory, configuration, caches: new TranslationCacheOptions
        {
            Iotlb = new CacheGeometry(64, 4),
            IotlbLargePages = null,
        });
        Unit.Write((ulong)VtdRegister.RTADDR, 8, rootTable);
        Unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
        Unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);
        Baseline = new Baseline.BaselineTranslator(_ram, slRoot, levels, pagingCache: kind == TranslateCase.FourLevelPscWarm);
        Floor = new Baseline.FloorTranslator(
            new Baseline.BaselineTranslator(_ram, slRoot, levels, pagingCache: kind == TranslateCase.FourLevelPscWarm), Sid, Did);

        foreach (ulong iova in Iovas)
        {
            TranslationResult result = Unit.Translate(DmaRequest.Read(Sid, iova));
            if (!result.IsSuccess || result.OutputAddress != OutputBase + iova || Baseline.Translate(iova, 1) != OutputBase + iova
                || Floor.Translate(Sid, iova, 1) != OutputBase + iova)
            {
                throw new InvalidOperationException($"workload {kind} does not translate 0x{iova:X}: {result}");
            }
        }
    }

    /// <summary>The addresses, in request order.</summary>
    public ulong[] Iovas { get; }

    /// <summary>The model: TE=1, legacy mode, the context entry of <see cref="Sid"/> with DID <see cref="Did"/>.</summary>
    public RemappingUnit Unit { get; }

    /// <summary>The baseline over the same tables.</summary>
    public Baseline.BaselineTranslator Baseline { get; }

    /// <summary>The floor of the model's contract over the same tables (its own caches and walker).</summary>
    public Baseline.FloorTranslator Floor { get; }

    private void Map(ulong root, int levels, ulong iova, ulong pageSize)
    {
        int leafLevel = pageSize == 0x1000 ? 1 : 2;
        ulong table = root;
        for (int level = levels; level > leafLevel; level--)
        {
            ulong slot = Slot(table, iova, level);
            ulong entry = _ram[slot >> 3];
            if (entry == 0)
            {
                entry = SecondLevelPageTableEntry.Create(Page(), read: true, write: true).Raw;
                Write(slot, entry);
            }

            table = entry & 0x000F_FFFF_FFFF_F000;
        }

        Write(Slot(table, iova, leafLevel), SecondLevelPageTableEntry.Create(OutputBase + iova, read: true, write: true, pageSize: leafLevel > 1).Raw);
    }

    private ulong Page()
    {
        ulong page = _next;
        _next += 0x1000;
        return page;
    }

    private void Write(ulong address, ulong value)
    {
        _ram[address >> 3] = value;
        if (!_memory.TryWrite64(address, value))
        {
            throw new InvalidOperationException($"workload table write outside RAM at 0x{address:X}");
        }
    }

    private static ulong Slot(ulong table, ulong iova, int level) => table + (((iova >> (12 + (9 * (level - 1)))) & 0x1FF) * 8);
}
