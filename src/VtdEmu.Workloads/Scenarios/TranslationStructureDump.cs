using System.Globalization;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Prints the translation structures reachable from a unit's latched root pointer (the RTADDR value
/// of the last SRTP): present root entries, present context entries and, below each, the present
/// second-level paging entries — legacy and scalable mode (RID_PASID's PASID entry). Reads guest
/// memory only; output is bounded by a line budget and cycles in the tables are cut.
/// </summary>
public static class TranslationStructureDump
{
    /// <summary>The default line budget.</summary>
    public const int DefaultMaxLines = 400;

    private const int RootEntries = 256;
    private const int PagingEntries = 512;

    /// <summary>Writes the structures of <paramref name="platform"/>'s unit; returns the number of lines written.</summary>
    public static int Write(Platform platform, TextWriter output, int maxLines = DefaultMaxLines)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new Writer(platform, output, maxLines);
        writer.Run();
        return writer.Lines;
    }

    private sealed class Writer(Platform platform, TextWriter output, int maxLines)
    {
        private readonly HashSet<ulong> _visitedTables = [];
        private bool _truncated;

        public int Lines { get; private set; }

        public void Run()
        {
            RemappingUnit unit = platform.Unit;
            bool enabled = unit.TranslationEnabled;
            TranslationTableMode mode = unit.RootTableMode;
            ulong root = unit.RootTableAddress;
            Line(0, $"RTADDR (latched) 0x{root:x} TTM={mode} GSTS.TES={(enabled ? 1 : 0)}");
            switch (mode)
            {
                case TranslationTableMode.Legacy:
                    LegacyRoot(root);
                    break;
                case TranslationTableMode.Scalable:
                    ScalableRoot(root);
                    break;
                default:
                    Line(1, "no translation structures in this mode");
                    break;
            }
        }

        private void LegacyRoot(ulong root)
        {
            Span<byte> entry = stackalloc byte[ScalableContextEntry.Size];
            for (int bus = 0; bus < RootEntries && !_truncated; bus++)
            {
                if (!Read(root + ((ulong)bus * RootEntry.Size), entry[..RootEntry.Size]))
                {
                    Line(1, $"root table at 0x{root:x} is not RAM");
                    return;
                }

                var rootEntry = RootEntry.ReadFrom(entry);
                if (!rootEntry.Present)
                {
                    continue;
                }

                Line(1, $"root[bus {bus:x2}] {rootEntry}");
                for (int devfn = 0; devfn < 256 && !_truncated; devfn++)
                {
                    if (!Read(rootEntry.CTP + ((ulong)devfn * ContextEntry.Size), entry[..ContextEntry.Size]))
                    {
                        Line(2, $"context table at 0x{rootEntry.CTP:x} is not RAM");
                        break;
                    }

                    var context = ContextEntry.ReadFrom(entry);
                    if (context.Present)
                    {
                        Line(2, $"context[{PciBdf.FromSourceId((ushort)((bus << 8) | devfn))}] {context}");
                        if (context.TT != TranslationType.PassThrough)
                        {
                            PagingTable(context.SLPTPTR, context.AW + 2, 3, 0);
                        }
                    }
                }
            }
        }

        private void ScalableRoot(ulong root)
        {
            Span<byte> entry = stackalloc byte[PasidEntry.Size];
            for (int bus = 0; bus < RootEntries && !_truncated; bus++)
            {
                if (!Read(root + ((ulong)bus * ScalableRootEntry.Size), entry[..ScalableRootEntry.Size]))
                {
                    Line(1, $"root table at 0x{root:x} is not RAM");
                    return;
                }

                var rootEntry = ScalableRootEntry.ReadFrom(entry);
                if (!rootEntry.LP && !rootEntry.UP)
                {
                    continue;
                }

                Line(1, $"root[bus {bus:x2}] {rootEntry}");
                if (rootEntry.LP)
                {
                    ScalableContextTable(bus, rootEntry.LCTP, 0);
                }

                if (rootEntry.UP)
                {
                    ScalableContextTable(bus, rootEntry.UCTP, 128);
                }
            }
        }

        // A scalable context table holds 128 entries of 32 bytes: devfn 0-127 (lower) or 128-255 (upper).
        private void ScalableContextTable(int bus, ulong table, int firstDevfn)
        {
            Span<byte> entry = stackalloc byte[PasidEntry.Size];
            for (int i = 0; i < 128 && !_truncated; i++)
            {
                if (!Read(table + ((ulong)i * ScalableContextEntry.Size), entry[..ScalableContextEntry.Size]))
                {
                    Line(2, $"context table at 0x{table:x} is not RAM");
                    return;
                }

                var context = ScalableContextEntry.ReadFrom(entry);
                if (!context.Present)
                {
                    continue;
                }

                Line(2, $"context[{PciBdf.FromSourceId((ushort)((bus << 8) | (firstDevfn + i)))}] {context}");
                uint pasid = context.RID_PASID;
                if (!Read(context.PASIDDIRPTR + ((ulong)(pasid >> 6) * PasidDirectoryEntry.Size), entry[..PasidDirectoryEntry.Size]))
                {
                    Line(3, $"PASID directory at 0x{context.PASIDDIRPTR:x} is not RAM");
                    continue;
                }

                var directory = PasidDirectoryEntry.ReadFrom(entry);
                Line(3, $"pasid-dir[{pasid >> 6}] {directory}");
                if (!directory.Present || !Read(directory.SMPTBLPTR + ((ulong)(pasid & 63) * PasidEntry.Size), entry))
                {
                    continue;
                }

                var pasidEntry = PasidEntry.ReadFrom(entry);
                Line(4, $"pasid[{pasid.ToString(CultureInfo.InvariantCulture)}] (RID_PASID) {pasidEntry}");
                if (pasidEntry.Present && pasidEntry.PGTT == PasidGranularTranslationType.SecondLevel)
                {
                    PagingTable(pasidEntry.SLPTPTR, pasidEntry.AW + 2, 5, 0);
                }
            }
        }

        // One second-level table at `level` (5 = PML5 … 1 = PT): present entries, then the tables they point to.
        private void PagingTable(ulong table, int level, int depth, ulong iovaBase)
        {
            if (level is < 1 or > 5 || !_visitedTables.Add(table))
            {
                Line(depth, $"SL table at 0x{table:x}: {(level is < 1 or > 5 ? "invalid level" : "already shown")}");
                return;
            }

            Span<byte> bytes = stackalloc byte[SecondLevelPageTableEntry.Size];
            int shift = 12 + (9 * (level - 1));
            for (int i = 0; i < PagingEntries && !_truncated; i++)
            {
                if (!Read(table + ((ulong)i * SecondLevelPageTableEntry.Size), bytes))
                {
                    Line(depth, $"SL table at 0x{table:x} is not RAM");
                    return;
                }

                var entry = SecondLevelPageTableEntry.ReadFrom(bytes);
                if (!entry.Read && !entry.Write)
                {
                    continue;
                }

                ulong iova = iovaBase | ((ulong)i << shift);
                bool leaf = level == 1 || entry.PS;
                Line(depth, $"L{level}[{i}] iova 0x{iova:x}{(leaf ? $" -> 0x{entry.ADDR:x} ({PageName(shift)})" : string.Empty)} {entry}");
                if (!leaf)
                {
                    PagingTable(entry.ADDR, level - 1, depth + 1, iova);
                }
            }
        }

        private static string PageName(int shift) => shift switch
        {
            12 => "4 KiB",
            21 => "2 MiB",
            30 => "1 GiB",
            _ => $"2^{shift}",
        };

        private bool Read(ulong address, Span<byte> destination) => platform.Memory.TryRead(address, destination);

        private void Line(int depth, string text)
        {
            if (_truncated)
            {
                return;
            }

            if (Lines >= maxLines)
            {
                output.WriteLine($"... (stopped after {maxLines} lines)");
                _truncated = true;
                return;
            }

            output.Write(new string(' ', 2 * depth));
            output.WriteLine(text);
            Lines++;
        }
    }
}
