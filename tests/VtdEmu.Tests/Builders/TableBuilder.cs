using VtdEmu.Memory;
using VtdEmu.Tables;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Builders;

/// <summary>
/// Builds VT-d translation structures in guest memory for tests: pages come from a bump allocator,
/// second-level mappings are given as (iova, hpa, size, rights) tuples (cloud-hypervisor's
/// <c>iommu_mapping</c> helper), and every structure is written as raw little-endian entries.
/// </summary>
internal sealed class TableBuilder
{
    /// <summary>Size of the low RAM range [0, RamSize).</summary>
    public const ulong RamSize = 0x4000_0000;

    /// <summary>A small RAM range above 2^47, for pointers that are RAM but above a 46-bit HAW.</summary>
    public const ulong HighRamBase = 1UL << 47;

    /// <summary>An address below every HAW used in tests that is not RAM.</summary>
    public const ulong Unbacked = 0x8000_0000;

    private const ulong PageSize = 0x1000;
    private ulong _next = 0x10_0000;

    public TableBuilder()
        : this(new GuestMemory(new MemoryRange(0, RamSize), new MemoryRange(HighRamBase, 0x10_0000)))
    {
    }

    /// <summary>A builder over existing memory (e.g. a <see cref="Platform"/>'s RAM); tables start at 1 MiB.</summary>
    public TableBuilder(GuestMemory memory) => Memory = memory;

    public GuestMemory Memory { get; }

    /// <summary>A fresh zeroed 4 KiB page.</summary>
    public ulong AllocatePage()
    {
        ulong page = _next;
        _next += PageSize;
        return page;
    }

    public void Write64(ulong address, ulong value) => Assert.True(Memory.TryWrite64(address, value), $"write at 0x{address:X}");

    public ulong Read64(ulong address)
    {
        Assert.True(Memory.TryRead64(address, out ulong value));
        return value;
    }

    /// <summary>Second-level tables of <paramref name="levels"/> levels holding <paramref name="mappings"/>; returns the root table (SLPTPTR).</summary>
    public ulong SecondLevel(int levels, params (ulong Iova, ulong Hpa, ulong Size, DmaAccess Rights)[] mappings)
    {
        ulong root = AllocatePage();
        foreach ((ulong iova, ulong hpa, ulong size, DmaAccess rights) in mappings)
        {
            Map(root, levels, iova, hpa, size, rights);
        }

        return root;
    }

    /// <summary>Maps one page of <paramref name="size"/> (4 KiB, 2 MiB or 1 GiB); intermediate entries get R=W=1.</summary>
    public void Map(ulong root, int levels, ulong iova, ulong hpa, ulong size, DmaAccess rights)
    {
        int leafLevel = size switch { 0x1000 => 1, 0x20_0000 => 2, 0x4000_0000 => 3, _ => throw new ArgumentOutOfRangeException(nameof(size)) };
        ulong table = root;
        for (int level = levels; level > leafLevel; level--)
        {
            ulong slot = EntryAddress(table, level, iova);
            ulong entry = Read64(slot);
            if ((entry & 3) == 0)
            {
                entry = SecondLevelPageTableEntry.Create(AllocatePage(), read: true, write: true).Raw;
                Write64(slot, entry);
            }

            table = new SecondLevelPageTableEntry(entry).ADDR;
        }

        var leaf = SecondLevelPageTableEntry.Create(hpa, (rights & DmaAccess.Read) != 0, (rights & DmaAccess.Write) != 0, pageSize: leafLevel > 1);
        Write64(EntryAddress(table, leafLevel, iova), leaf.Raw);
    }

    /// <summary>Address of the paging entry used at <paramref name="level"/> for <paramref name="iova"/> (follows present entries from the root).</summary>
    public ulong PathEntry(ulong root, int levels, ulong iova, int level)
    {
        ulong table = root;
        for (int l = levels; l > level; l--)
        {
            table = new SecondLevelPageTableEntry(Read64(EntryAddress(table, l, iova))).ADDR;
        }

        return EntryAddress(table, level, iova);
    }

    public static ulong EntryAddress(ulong table, int level, ulong iova) => table + (((iova >> (12 + (9 * (level - 1)))) & 0x1FF) * 8);

    /// <summary>A legacy root table whose entry for <paramref name="sid"/>'s bus points at a context table holding <paramref name="context"/>.</summary>
    public LegacyTables Legacy(ushort sid, ContextEntry context)
    {
        ulong rootTable = AllocatePage();
        ulong contextTable = AllocatePage();
        ulong rootSlot = rootTable + ((ulong)(sid >> 8) * RootEntry.Size);
        Write(rootSlot, RootEntry.Create(contextTable));
        ulong contextSlot = contextTable + ((ulong)(sid & 0xFF) * ContextEntry.Size);
        Write(contextSlot, context);
        return new LegacyTables(rootTable, rootSlot, contextSlot);
    }

    /// <summary>
    /// Scalable-mode tables for <paramref name="sid"/>: root → context → PASID directory (entry for
    /// <paramref name="pasid"/>) → PASID table holding <paramref name="pasidEntry"/>.
    /// </summary>
    public ScalableTables Scalable(ushort sid, uint pasid, PasidEntry pasidEntry, int pdts = 0, bool contextFpd = false,
        bool dte = false, bool paside = true, uint ridPasid = 0, bool directoryFpd = false)
    {
        ulong rootTable = AllocatePage();
        ulong contextTable = AllocatePage();
        ulong directory = AllocatePage();
        ulong pasidTable = AllocatePage();
        bool upper = (sid & 0x80) != 0;
        ulong rootSlot = rootTable + ((ulong)(sid >> 8) * ScalableRootEntry.Size);
        Write(rootSlot, ScalableRootEntry.Create(upper ? 0 : contextTable, !upper, upper ? contextTable : 0, upper));
        ulong contextSlot = contextTable + ((ulong)(sid & 0x7F) * ScalableContextEntry.Size);
        Write(contextSlot, ScalableContextEntry.Create(directory, pdts, contextFpd, dte, paside, ridPasid));
        ulong directorySlot = directory + ((ulong)(pasid >> 6) * PasidDirectoryEntry.Size);
        Write64(directorySlot, PasidDirectoryEntry.Create(pasidTable, directoryFpd).Raw);
        ulong pasidSlot = pasidTable + ((ulong)(pasid & 0x3F) * PasidEntry.Size);
        Write(pasidSlot, pasidEntry);
        return new ScalableTables(rootTable, rootSlot + (upper ? 8UL : 0), contextSlot, directorySlot, pasidSlot);
    }

    public void Write(ulong address, RootEntry entry)
    {
        Span<byte> bytes = stackalloc byte[RootEntry.Size];
        entry.WriteTo(bytes);
        Assert.True(Memory.TryWrite(address, bytes));
    }

    public void Write(ulong address, ScalableRootEntry entry)
    {
        Span<byte> bytes = stackalloc byte[ScalableRootEntry.Size];
        entry.WriteTo(bytes);
        Assert.True(Memory.TryWrite(address, bytes));
    }

    public void Write(ulong address, ContextEntry entry)
    {
        Span<byte> bytes = stackalloc byte[ContextEntry.Size];
        entry.WriteTo(bytes);
        Assert.True(Memory.TryWrite(address, bytes));
    }

    public void Write(ulong address, ScalableContextEntry entry)
    {
        Span<byte> bytes = stackalloc byte[ScalableContextEntry.Size];
        entry.WriteTo(bytes);
        Assert.True(Memory.TryWrite(address, bytes));
    }

    public void Write(ulong address, PasidEntry entry)
    {
        Span<byte> bytes = stackalloc byte[PasidEntry.Size];
        entry.WriteTo(bytes);
        Assert.True(Memory.TryWrite(address, bytes));
    }
}

/// <summary>Where the legacy structures of one device live.</summary>
internal readonly record struct LegacyTables(ulong RootTable, ulong RootEntry, ulong ContextEntry);

/// <summary>Where the scalable-mode structures of one device and PASID live (RootHalf = the selected 64-bit half).</summary>
internal readonly record struct ScalableTables(ulong RootTable, ulong RootHalf, ulong ContextEntry, ulong DirectoryEntry, ulong PasidEntry);
