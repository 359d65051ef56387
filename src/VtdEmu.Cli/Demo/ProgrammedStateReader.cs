using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Workloads.Reporting;

namespace VtdEmu.Cli.Demo;

/// <summary>
/// Reads back what a driver programmed, as the hardware would find it: RTADDR and GSTS through MMIO, then the
/// root table, every present context entry (legacy, or scalable with its RID_PASID entry), and each domain's
/// second- or first-level tables in guest memory (VT-d spec §9.1–§9.8). Leaves are shown as runs of contiguous IOVA
/// with contiguous output and equal rights.
/// </summary>
internal static class ProgrammedStateReader
{
    public static IReadOnlyList<(string Structure, string Detail)> Read(IMmio mmio, GuestMemory memory)
    {
        ArgumentNullException.ThrowIfNull(mmio);
        ArgumentNullException.ThrowIfNull(memory);
        List<(string, string)> rows = [];
        ulong rtaddr = mmio.Read((ulong)VtdRegister.RTADDR, 8);
        uint gsts = (uint)mmio.Read((ulong)VtdRegister.GSTS, 4);
        ulong rootTable = rtaddr & ~0xFFFUL;
        rows.Add(("RTADDR", $"0x{rtaddr:x} (TTM={(rtaddr >> 10) & 3}: {((rtaddr >> 10) & 3) switch { 0 => "legacy", 1 => "scalable", _ => "reserved" }})"));
        rows.Add(("GSTS", $"0x{gsts:x8} (TES={gsts >> 31} RTPS={(gsts >> 30) & 1} QIES={(gsts >> 26) & 1})"));

        // Each domain once, in the order its first context entry appears.
        List<(ushort Did, ulong Root, int Levels, bool FirstLevel)> domains = [];
        if (((rtaddr >> 10) & 3) == 1)
        {
            ReadScalable(memory, rootTable, rows, domains);
        }
        else
        {
            ReadLegacy(memory, rootTable, rows, domains);
        }

        int tablePages = 0;
        foreach ((ushort did, ulong tableRoot, int levels, _) in domains)
        {
            List<(ulong Iova, ulong Output, ulong Size, bool Read, bool Write)> runs = [];
            tablePages += Walk(memory, tableRoot, levels, iovaBase: 0, runs);
            foreach ((ulong iova, ulong output, ulong size, bool read, bool write) in runs)
            {
                rows.Add(($"DID {did} map", $"iova 0x{iova:x}-0x{iova + size - 1:x} -> 0x{output:x} {(read ? "R" : "-")}{(write ? "W" : "-")} ({size / PageGeometry.PageSize} x 4 KiB)"));
            }
        }

        bool anyFirst = domains.Exists(d => d.FirstLevel);
        rows.Add((anyFirst ? "first-level tables" : "second-level tables", $"{Counts.Plural(tablePages, "table page")} below {Counts.Plural(domains.Count, "domain root")}"));
        return rows;
    }

    private static void ReadLegacy(GuestMemory memory, ulong rootTable, List<(string, string)> rows, List<(ushort Did, ulong Root, int Levels, bool FirstLevel)> domains)
    {
        for (int bus = 0; bus < 256; bus++)
        {
            RootEntry root = new(Read64(memory, rootTable + ((ulong)bus * RootEntry.Size)), Read64(memory, rootTable + ((ulong)bus * RootEntry.Size) + 8));
            if (!root.Present)
            {
                continue;
            }

            rows.Add(($"root[bus {bus:x2}]", $"P=1 CTP=0x{root.CTP:x}"));
            for (int devfn = 0; devfn < 256; devfn++)
            {
                ulong at = root.CTP + ((ulong)devfn * ContextEntry.Size);
                ContextEntry context = new(Read64(memory, at), Read64(memory, at + 8));
                if (!context.Present)
                {
                    continue;
                }

                rows.Add(($"context[{PciBdf.FromSourceId((ushort)((bus << 8) | devfn))}]", $"P=1 DID={context.DID} TT={context.TT} AW={PageGeometry.InputWidth(context.AW + 2)}-bit SLPTPTR=0x{context.SLPTPTR:x}"));
                if (context.TT != TranslationType.PassThrough && !domains.Exists(d => d.Did == context.DID))
                {
                    domains.Add((context.DID, context.SLPTPTR, context.AW + 2, false));
                }
            }
        }
    }

    // Scalable mode (§9.2, §9.4–§9.6): each root entry's lower and upper context tables, each context entry's
    // RID_PASID entry, and the table that entry points at (second level for PGTT 010, first level for 001).
    private static void ReadScalable(GuestMemory memory, ulong rootTable, List<(string, string)> rows, List<(ushort Did, ulong Root, int Levels, bool FirstLevel)> domains)
    {
        Span<byte> raw = stackalloc byte[PasidEntry.Size];
        for (int bus = 0; bus < 256; bus++)
        {
            ulong at = rootTable + ((ulong)bus * ScalableRootEntry.Size);
            ScalableRootEntry root = new(Read64(memory, at), Read64(memory, at + 8));
            if (!root.LP && !root.UP)
            {
                continue;
            }

            rows.Add(($"root[bus {bus:x2}]", $"LP={(root.LP ? 1 : 0)} LCTP=0x{root.LCTP:x} UP={(root.UP ? 1 : 0)} UCTP=0x{root.UCTP:x}"));
            for (int devfn = 0; devfn < 256; devfn++)
            {
                bool upper = devfn >= 128;
                if (!(upper ? root.UP : root.LP))
                {
                    continue;
                }

                ulong entryAt = (upper ? root.UCTP : root.LCTP) + ((ulong)(devfn & 0x7F) * ScalableContextEntry.Size);
                Span<ulong> words = [Read64(memory, entryAt), Read64(memory, entryAt + 8), Read64(memory, entryAt + 16), Read64(memory, entryAt + 24)];
                ScalableContextEntry context = new(words);
                if (!context.Present)
                {
                    continue;
                }

                string bdf = PciBdf.FromSourceId((ushort)((bus << 8) | devfn)).ToString();
                rows.Add(($"context[{bdf}]", $"P=1 PASIDDIRPTR=0x{context.PASIDDIRPTR:x} PDTS={context.PDTS} RID_PASID={context.RID_PASID}"));
                uint pasid = context.RID_PASID;
                var directory = new PasidDirectoryEntry(Read64(memory, context.PASIDDIRPTR + ((ulong)(pasid >> 6) * PasidDirectoryEntry.Size)));
                if (!directory.Present)
                {
                    continue;
                }

                if (!memory.TryRead(directory.SMPTBLPTR + ((ulong)(pasid & 0x3F) * PasidEntry.Size), raw))
                {
                    continue;
                }

                PasidEntry entry = PasidEntry.ReadFrom(raw);
                if (!entry.Present)
                {
                    rows.Add(($"pasid[{bdf}:{pasid}]", "P=0"));
                    continue;
                }

                (string kind, ulong table, int levels, bool first) = entry.PGTT switch
                {
                    PasidGranularTranslationType.FirstLevel => ("first-level", entry.FLPTPTR, entry.FLPM == 1 ? 5 : 4, true),
                    PasidGranularTranslationType.SecondLevel => ("second-level", entry.SLPTPTR, entry.AW + 2, false),
                    PasidGranularTranslationType.PassThrough => ("pass-through", 0UL, 0, false),
                    _ => ($"PGTT {(int)entry.PGTT}", 0UL, 0, false),
                };
                rows.Add(($"pasid[{bdf}:{pasid}]", $"P=1 PGTT={kind} DID={entry.DID} {(first ? $"FLPTPTR=0x{table:x} {levels}-level" : $"SLPTPTR=0x{table:x} AW={PageGeometry.InputWidth(entry.AW + 2)}-bit")}"));
                if (levels > 0 && !domains.Exists(d => d.Did == entry.DID))
                {
                    domains.Add((entry.DID, table, levels, first));
                }
            }
        }
    }

    // Visits one table page of a domain's tables; returns the table pages at and below it. First-level entries
    // (§9.7): present = P (bit 0), readable when present, R/W (bit 1), PS (bit 7), address 51:12 — the second-level
    // layout with P in R's place, so one reader serves both.
    private static int Walk(GuestMemory memory, ulong table, int level, ulong iovaBase, List<(ulong Iova, ulong Output, ulong Size, bool Read, bool Write)> runs)
    {
        int pages = 1;
        ulong span = PageGeometry.LevelSize(level);
        for (int i = 0; i < PageGeometry.EntriesPerTable; i++)
        {
            var entry = new SecondLevelPageTableEntry(Read64(memory, table + ((ulong)i * SecondLevelPageTableEntry.Size)));
            if (!entry.Read && !entry.Write)
            {
                continue;
            }

            ulong iova = iovaBase + ((ulong)i * span);
            if (level > 1 && !entry.PS)
            {
                pages += Walk(memory, entry.ADDR, level - 1, iova, runs);
                continue;
            }

            if (runs.Count > 0 && runs[^1] is var last && last.Iova + last.Size == iova && last.Output + last.Size == entry.ADDR && last.Read == entry.Read && last.Write == entry.Write)
            {
                runs[^1] = last with { Size = last.Size + span };
            }
            else
            {
                runs.Add((iova, entry.ADDR, span, entry.Read, entry.Write));
            }
        }

        return pages;
    }

    private static ulong Read64(GuestMemory memory, ulong address) => memory.TryRead64(address, out ulong value) ? value : 0;
}
