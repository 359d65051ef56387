using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Cli.Demo;

/// <summary>
/// Reads back what a driver programmed, as the hardware would find it: RTADDR and GSTS through MMIO, then the
/// legacy-mode root table, every present context entry, and each domain's second-level tables in guest memory
/// (VT-d spec §9.1, §9.3, §9.8). Leaves are shown as runs of contiguous IOVA with contiguous output and equal rights.
/// </summary>
internal static class ProgrammedStateReader
{
    private const ulong PageSize = 4096;
    private const int EntriesPerTable = 512;

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
        List<(ushort Did, ulong Root, int Levels)> domains = [];
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

                rows.Add(($"context[{Bdf((ushort)((bus << 8) | devfn))}]", $"P=1 DID={context.DID} TT={context.TT} AW={30 + (9 * context.AW)}-bit SLPTPTR=0x{context.SLPTPTR:x}"));
                if (context.TT != TranslationType.PassThrough && !domains.Exists(d => d.Did == context.DID))
                {
                    domains.Add((context.DID, context.SLPTPTR, context.AW + 2));
                }
            }
        }

        int tablePages = 0;
        foreach ((ushort did, ulong slptptr, int levels) in domains)
        {
            List<(ulong Iova, ulong Output, ulong Size, bool Read, bool Write)> runs = [];
            tablePages += Walk(memory, slptptr, levels, iovaBase: 0, runs);
            foreach ((ulong iova, ulong output, ulong size, bool read, bool write) in runs)
            {
                rows.Add(($"DID {did} map", $"iova 0x{iova:x}-0x{iova + size - 1:x} -> 0x{output:x} {(read ? "R" : "-")}{(write ? "W" : "-")} ({size / PageSize} x 4 KiB)"));
            }
        }

        rows.Add(("second-level tables", $"{tablePages} table pages below {domains.Count} domain root(s)"));
        return rows;
    }

    /// <summary>The requester ID as bus:device.function.</summary>
    public static string Bdf(ushort sourceId) => $"{sourceId >> 8:x2}:{(sourceId >> 3) & 0x1F:x2}.{sourceId & 7}";

    // Visits one table page of a domain's second-level tables; returns the table pages at and below it.
    private static int Walk(GuestMemory memory, ulong table, int level, ulong iovaBase, List<(ulong Iova, ulong Output, ulong Size, bool Read, bool Write)> runs)
    {
        int pages = 1;
        ulong span = PageSize << (9 * (level - 1));
        for (int i = 0; i < EntriesPerTable; i++)
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
