using VtdEmu.Caches;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Workloads.Mapping;

/// <summary>
/// The setup <c>replay</c> and <c>sweep</c> use when given none: legacy-mode root and context
/// entries for every device (one domain, DID 1), second-level tables mapping every touched page
/// read-write at <c>PA = IOVA + offset</c>, then SRTP and TE through the unit's MMIO, as a driver
/// would (VT-d 4.1 §3.4.2, §9.1-9.3, §10.4.4). Tables live in their own RAM range above the data
/// range, so a DMA write never lands on them. Documented in spec-notes/timing.md, "Default setup".
/// </summary>
public sealed class DefaultMapping
{
    private const ulong Page = PageGeometry.PageSize;

    private readonly GuestMemory _memory;
    private readonly int _levels;
    private readonly ulong _root;
    private ulong _nextTable;

    private DefaultMapping(GuestMemory memory, int levels, ulong tableBase)
    {
        _memory = memory;
        _levels = levels;
        _nextTable = tableBase;
        _root = AllocateTable();
    }

    /// <summary>Bytes of the table range: enough for page tables covering <see cref="MaxDataBytes"/> at 4 KiB pages.</summary>
    public const ulong TableRangeBytes = 1UL << 34;

    /// <summary>Largest IOVA range the default setup maps (64 GiB).</summary>
    public const ulong MaxDataBytes = 1UL << 36;

    /// <summary>Where the tables live: just above the largest data range.</summary>
    public const ulong TableBase = MaxDataBytes + (1UL << 30);

    /// <summary>The RAM a platform needs for the default setup: the data range and the table range (frames are allocated lazily).</summary>
    public static MemoryRange Ram => new(0, TableBase + TableRangeBytes);

    /// <summary>Page sizes by their command-line spelling.</summary>
    public static PageSize? ParsePageSize(string text) => text.ToUpperInvariant() switch
    {
        "4K" or "4KIB" => PageSize.Size4K,
        "2M" or "2MIB" => PageSize.Size2M,
        "1G" or "1GIB" => PageSize.Size1G,
        _ => null,
    };

    /// <summary>The command-line spelling of a page size (4K, 2M, 1G).</summary>
    public static string Format(PageSize size) => size switch { PageSize.Size2M => "2M", PageSize.Size1G => "1G", _ => "4K" };

    /// <summary>Bytes in a page of <paramref name="size"/>.</summary>
    public static ulong Bytes(PageSize size) => size switch { PageSize.Size2M => PageGeometry.LevelSize(2), PageSize.Size1G => PageGeometry.LevelSize(3), _ => Page };

    /// <summary>
    /// Programs <paramref name="platform"/>: maps the pages of <paramref name="pageSize"/> holding each
    /// IOVA range in <paramref name="ranges"/> for every device in <paramref name="sourceIds"/>, and
    /// enables translation unless <paramref name="translate"/> is false. Returns an error message
    /// (the unit cannot map that page size, an IOVA beyond the range) or null.
    /// </summary>
    public static string? Program(Platform platform, IEnumerable<ushort> sourceIds, IEnumerable<(ulong Iova, ulong Length)> ranges, PageSize pageSize, ulong offset, bool translate = true)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(sourceIds);
        ArgumentNullException.ThrowIfNull(ranges);
        CapabilityRegister cap = platform.Unit.Configuration.Capability;
        int aw = cap.SupportsAgaw(2) ? 2 : cap.SupportsAgaw(1) ? 1 : 0;
        if (aw == 0)
        {
            return "the preset supports neither 3- nor 4-level second-level tables (CAP.SAGAW)";
        }

        if (pageSize != PageSize.Size4K && ((cap.SLLPS >> ((int)pageSize - 1)) & 1) == 0)
        {
            return $"the preset cannot map {Format(pageSize)} pages (CAP.SLLPS = {cap.SLLPS})";
        }

        var mapping = new DefaultMapping(platform.Memory, aw + 2, TableBase);
        ulong bytes = Bytes(pageSize);
        var mapped = new HashSet<ulong>();
        foreach ((ulong iova, ulong length) in ranges)
        {
            ulong last = length == 0 ? iova : iova + (length - 1);
            if (last < iova || last >= MaxDataBytes || last + offset >= MaxDataBytes || last + offset < last)
            {
                return $"IOVA 0x{iova:x} + {length} (offset 0x{offset:x}) is beyond the default setup's {MaxDataBytes >> 30} GiB";
            }

            for (ulong page = iova / bytes; page <= last / bytes; page++)
            {
                if (mapped.Add(page))
                {
                    mapping.Map(page * bytes, (page * bytes) + offset, pageSize);
                }
            }
        }

        ulong rootTable = mapping.Attach(platform, sourceIds, aw);
        if (translate)
        {
            EnableTranslation(platform.Unit, rootTable);
        }

        return null;
    }

    // SRTP latches RTADDR (legacy mode, TTM = 00), then TE; GSTS reflects each at once in the model (VT-d 4.1 §10.4.4-5).
    private static void EnableTranslation(IMmio unit, ulong rootTable)
    {
        unit.Write((ulong)VtdRegister.RTADDR, 8, rootTable);
        unit.Write((ulong)VtdRegister.GCMD, 4, (ulong)GlobalCommand.SRTP);
        unit.Write((ulong)VtdRegister.GCMD, 4, (ulong)GlobalCommand.TE);
    }

    // A root entry per bus, a context entry per device, all in domain 1 sharing one second-level table.
    private ulong Attach(Platform platform, IEnumerable<ushort> sourceIds, int aw)
    {
        ulong rootTable = AllocateTable();
        var contextTables = new Dictionary<byte, ulong>();
        Span<byte> entry = stackalloc byte[16];
        foreach (ushort sourceId in sourceIds)
        {
            byte bus = (byte)(sourceId >> 8);
            if (!contextTables.TryGetValue(bus, out ulong contextTable))
            {
                contextTable = AllocateTable();
                contextTables.Add(bus, contextTable);
                RootEntry.Create(contextTable).WriteTo(entry);
                _memory.TryWrite(rootTable + (bus * 16UL), entry);
            }

            ContextEntry.Create(did: 1, TranslationType.UntranslatedOnly, _root, aw).WriteTo(entry);
            _memory.TryWrite(contextTable + ((sourceId & 0xFFUL) * 16), entry);
            platform.AddDevice(sourceId);
        }

        return rootTable;
    }

    private void Map(ulong iova, ulong address, PageSize size)
    {
        int leafLevel = (int)size + 1;
        ulong table = _root;
        for (int level = _levels; level > leafLevel; level--)
        {
            ulong slot = table + (PageGeometry.Index(iova, level) * 8);
            _memory.TryRead64(slot, out ulong entry);
            if ((entry & 3) == 0)
            {
                entry = SecondLevelPageTableEntry.Create(AllocateTable(), read: true, write: true).Raw;
                _memory.TryWrite64(slot, entry);
            }

            table = new SecondLevelPageTableEntry(entry).ADDR;
        }

        _memory.TryWrite64(table + (PageGeometry.Index(iova, leafLevel) * 8), SecondLevelPageTableEntry.Create(address, read: true, write: true, pageSize: size != PageSize.Size4K).Raw);
    }

    private ulong AllocateTable()
    {
        ulong table = _nextTable;
        _nextTable += Page;
        return table;
    }
}
