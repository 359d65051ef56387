using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Cli.Demo;

/// <summary>
/// A minimal driver written by hand: legacy-mode root and context tables and second-level page
/// tables (the smallest AGAW the unit's CAP.SAGAW offers, 4-KiB pages) built in guest RAM, then RTADDR, GCMD.SRTP and GCMD.TE
/// programmed through the unit's MMIO block, checking GSTS after each command (VT-d spec §10.4.4).
/// Table pages come from a bump allocator over a RAM region reserved for them.
/// </summary>
internal sealed class HandProgrammedMapper : IDemoMapper
{
    private const uint SrtpBit = (uint)GlobalCommand.SRTP;
    private const uint TeBit = (uint)GlobalCommand.TE;

    // GSTS bits that report one-shot commands (RTPS, FLS, WBFS, IRTPS): not carried into the next GCMD write.
    private const uint OneShotStatus = (1u << 30) | (1u << 29) | (1u << 27) | (1u << 24);

    private readonly Platform _platform;
    private readonly ulong _rootTable;
    private readonly Dictionary<int, ulong> _contextTables = [];
    private readonly Dictionary<ushort, ulong> _domainRoots = [];
    private readonly List<(string, string)> _programmed = [];
    private ulong _nextTablePage;
    private readonly int _agaw;
    private ulong _pageTablePages;

    public HandProgrammedMapper(Platform platform, ulong tableArea)
    {
        _platform = platform;

        // AW encoding n is advertised by SAGAW bit n and means n + 2 levels (39-bit for n = 1).
        int sagaw = platform.Unit.Configuration.Capability.SAGAW;
        _agaw = (sagaw & 0b10) != 0 ? 1 : (sagaw & 0b100) != 0 ? 2 : 3;
        _nextTablePage = tableArea;
        _rootTable = AllocateTable();
        _programmed.Add(("root table", $"0x{_rootTable:x} (256 root entries, legacy mode)"));
    }

    /// <summary>Pages allocated for second-level tables, over every domain.</summary>
    public ulong PageTablePages => _pageTablePages;

    public void Attach(ushort sourceId, ushort domainId)
    {
        int bus = sourceId >> 8;
        if (!_contextTables.TryGetValue(bus, out ulong contextTable))
        {
            contextTable = AllocateTable();
            _contextTables.Add(bus, contextTable);
            Write(RootEntry.Create(contextTable), _rootTable + ((ulong)bus * RootEntry.Size));
            _programmed.Add(($"root[bus {bus:x2}]", $"P=1 CTP=0x{contextTable:x}"));
        }

        ulong slptptr = DomainRoot(domainId);
        var context = ContextEntry.Create(domainId, TranslationType.UntranslatedOnly, slptptr, _agaw);
        Write(context, contextTable + ((ulong)(sourceId & 0xFF) * ContextEntry.Size));
        _programmed.Add(($"context[{Bdf(sourceId)}]", $"P=1 DID={domainId} TT=untranslated AW={30 + (9 * _agaw)}-bit SLPTPTR=0x{slptptr:x}"));
    }

    public void Map(ushort domainId, ulong iova, ulong physical, ulong size, bool read, bool write)
    {
        ulong root = DomainRoot(domainId);
        for (ulong offset = 0; offset < size; offset += 4096)
        {
            ulong table = root;
            for (int level = _agaw + 2; level > 1; level--)
            {
                ulong slot = table + (Index(iova + offset, level) * 8);
                _platform.Memory.TryRead64(slot, out ulong raw);
                var entry = new SecondLevelPageTableEntry(raw);
                if (!entry.Read && !entry.Write)
                {
                    // Non-leaf entries grant everything; the leaf decides the rights.
                    entry = SecondLevelPageTableEntry.Create(AllocateTable(), read: true, write: true);
                    _pageTablePages++;
                    _platform.Memory.TryWrite64(slot, entry.Raw);
                }

                table = entry.ADDR;
            }

            ulong leaf = SecondLevelPageTableEntry.Create(physical + offset, read, write).Raw;
            _platform.Memory.TryWrite64(table + (Index(iova + offset, 1) * 8), leaf);
        }

        _programmed.Add(($"domain {domainId} map", $"iova 0x{iova:x}-0x{iova + size - 1:x} -> 0x{physical:x} {(read ? "R" : "-")}{(write ? "W" : "-")} ({size / 4096} x 4 KiB)"));
    }

    public void Enable()
    {
        IMmio mmio = _platform.Unit;
        mmio.Write((ulong)VtdRegister.RTADDR, 8, _rootTable); // TTM = 00b: legacy
        mmio.Write((ulong)VtdRegister.GCMD, 4, SrtpBit);
        uint gsts = (uint)mmio.Read((ulong)VtdRegister.GSTS, 4);
        _programmed.Add(("RTADDR, GCMD.SRTP", $"0x{_rootTable:x}; GSTS.RTPS={(gsts & SrtpBit) >> 30}"));

        // GCMD is not a read-modify-write target: the value written carries every enable to keep (§10.4.4).
        mmio.Write((ulong)VtdRegister.GCMD, 4, (gsts & ~OneShotStatus) | TeBit);
        gsts = (uint)mmio.Read((ulong)VtdRegister.GSTS, 4);
        _programmed.Add(("GCMD.TE", $"GSTS=0x{gsts:x8} (TES={gsts >> 31})"));
    }

    public IReadOnlyList<(string Structure, string Detail)> Describe() =>
        [.. _programmed, ("second-level tables", $"{_pageTablePages} table pages below {_domainRoots.Count} domain root(s)")];

    private ulong DomainRoot(ushort domainId)
    {
        if (!_domainRoots.TryGetValue(domainId, out ulong root))
        {
            root = AllocateTable();
            _pageTablePages++;
            _domainRoots.Add(domainId, root);
        }

        return root;
    }

    private ulong AllocateTable()
    {
        ulong page = _nextTablePage;
        _nextTablePage += 4096;
        _platform.Memory.TryFill(page, 4096, 0);
        return page;
    }

    private void Write(RootEntry entry, ulong address)
    {
        _platform.Memory.TryWrite64(address, entry.Low);
        _platform.Memory.TryWrite64(address + 8, entry.High);
    }

    private void Write(ContextEntry entry, ulong address)
    {
        _platform.Memory.TryWrite64(address, entry.Low);
        _platform.Memory.TryWrite64(address + 8, entry.High);
    }

    private static ulong Index(ulong iova, int level) => (iova >> (12 + (9 * (level - 1)))) & 0x1FF;

    public static string Bdf(ushort sourceId) => $"{sourceId >> 8:x2}:{(sourceId >> 3) & 0x1F:x2}.{sourceId & 7}";
}
