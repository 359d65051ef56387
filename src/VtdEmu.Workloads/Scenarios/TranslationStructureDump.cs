using System.Globalization;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Prints the translation structures reachable from a unit's latched root pointer (the RTADDR value
/// of the last SRTP): present root entries, present context entries and, below each, the present
/// paging entries — legacy mode (second level), scalable mode (every present PASID-directory and
/// PASID-table entry, then its second-level, first-level or nested tables). Reads guest memory only;
/// output is bounded by a line budget and cycles in the tables are cut.
/// </summary>
public static class TranslationStructureDump
{
    /// <summary>The default line budget.</summary>
    public const int DefaultMaxLines = 400;

    private const int RootEntries = 256;
    private const int PasidTableEntries = 64;

    /// <summary>Writes the structures of <paramref name="platform"/>'s unit; returns the number of lines written.</summary>
    public static int Write(Platform platform, TextWriter output, int maxLines = DefaultMaxLines)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return Write(platform, platform.Unit, output, maxLines);
    }

    /// <summary>Writes the structures of <paramref name="unit"/>, one of <paramref name="platform"/>'s units; returns the number of lines written.</summary>
    public static int Write(Platform platform, RemappingUnit unit, TextWriter output, int maxLines = DefaultMaxLines)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new Writer(platform, unit, output, maxLines);
        writer.Run();
        return writer.Lines;
    }

    private sealed class Writer(Platform platform, RemappingUnit unit, TextWriter output, int maxLines)
    {
        private readonly HashSet<ulong> _visitedTables = [];
        private bool _truncated;

        public int Lines { get; private set; }

        public void Run()
        {
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
                PasidDirectory(context);
            }
        }

        // Every present PASID-directory entry of a scalable context entry (2^(PDTS+7) of them), then their PASID tables.
        private void PasidDirectory(in ScalableContextEntry context)
        {
            Span<byte> bytes = stackalloc byte[PasidDirectoryEntry.Size];
            int entries = 1 << (context.PDTS + 7);
            for (int d = 0; d < entries && !_truncated; d++)
            {
                if (!Read(context.PASIDDIRPTR + ((ulong)d * PasidDirectoryEntry.Size), bytes))
                {
                    Line(3, $"PASID directory at 0x{context.PASIDDIRPTR:x} is not RAM");
                    return;
                }

                var directory = PasidDirectoryEntry.ReadFrom(bytes);
                if (directory.Present)
                {
                    Line(3, $"pasid-dir[{d}] {directory}");
                    PasidTable(directory.SMPTBLPTR, d, context.RID_PASID);
                }
            }
        }

        // The 64 entries of one PASID table: present ones, then the paging structures each one uses.
        private void PasidTable(ulong table, int directoryIndex, uint ridPasid)
        {
            Span<byte> bytes = stackalloc byte[PasidEntry.Size];
            for (int i = 0; i < PasidTableEntries && !_truncated; i++)
            {
                if (!Read(table + ((ulong)i * PasidEntry.Size), bytes))
                {
                    Line(4, $"PASID table at 0x{table:x} is not RAM");
                    return;
                }

                var entry = PasidEntry.ReadFrom(bytes);
                if (!entry.Present)
                {
                    continue;
                }

                uint pasid = ((uint)directoryIndex * PasidTableEntries) + (uint)i;
                Line(4, $"pasid[{pasid.ToString(CultureInfo.InvariantCulture)}]{(pasid == ridPasid ? " (RID_PASID)" : string.Empty)} {entry}");
                int flLevels = entry.FLPM == 1 ? 5 : 4;
                switch (entry.PGTT)
                {
                    case PasidGranularTranslationType.SecondLevel:
                        PagingTable(entry.SLPTPTR, entry.AW + 2, 5, 0);
                        break;
                    case PasidGranularTranslationType.FirstLevel:
                        FirstLevelTable(entry.FLPTPTR, flLevels, 5, 0, secondLevel: null);
                        break;
                    case PasidGranularTranslationType.Nested:
                        Line(5, "second level:");
                        PagingTable(entry.SLPTPTR, entry.AW + 2, 6, 0);
                        Line(5, "first level (guest-physical table addresses, read through the second level):");
                        FirstLevelTable(entry.FLPTPTR, flLevels, 6, 0, (entry.SLPTPTR, entry.AW + 2));
                        break;
                    default:
                        break;
                }
            }
        }

        // One first-level table at `level` (5 = PML5 … 1 = PT): present entries, then the tables they point to. Nested:
        // `table` is guest physical and is read where the second level maps it.
        private void FirstLevelTable(ulong table, int level, int depth, ulong iovaBase, (ulong Root, int Levels)? secondLevel)
        {
            ulong host = table;
            if (secondLevel is { } sl && !TrySecondLevelLookup(sl.Root, sl.Levels, table, out host))
            {
                Line(depth, $"FL table at 0x{table:x} (guest physical): not mapped by the second level");
                return;
            }

            if (level is < 1 or > 5 || !_visitedTables.Add(host))
            {
                Line(depth, $"FL table at 0x{table:x}: {(level is < 1 or > 5 ? "invalid level" : "already shown")}");
                return;
            }

            Span<byte> bytes = stackalloc byte[FirstLevelPagingEntry.Size];
            int shift = PageGeometry.LevelShift(level);
            for (int i = 0; i < PageGeometry.EntriesPerTable && !_truncated; i++)
            {
                if (!Read(host + ((ulong)i * FirstLevelPagingEntry.Size), bytes))
                {
                    Line(depth, $"FL table at 0x{host:x} is not RAM");
                    return;
                }

                var entry = FirstLevelPagingEntry.ReadFrom(bytes);
                if (!entry.Present)
                {
                    continue;
                }

                ulong iova = iovaBase | ((ulong)i << shift);
                bool leaf = level == 1 || (entry.PS && level <= 3);
                ulong page = entry.ADDR & ~((1UL << shift) - 1);
                Line(depth, $"FL{level}[{i}] iova 0x{iova:x}{(leaf ? $" -> 0x{page:x} ({PageName(shift)})" : string.Empty)} {entry}");
                if (!leaf)
                {
                    FirstLevelTable(entry.ADDR, level - 1, depth + 1, iova, secondLevel);
                }
            }
        }

        // Where the second-level tables at root map guest-physical `address` (present entries only, no rights check).
        private bool TrySecondLevelLookup(ulong root, int levels, ulong address, out ulong host)
        {
            host = 0;
            ulong table = root;
            for (int level = levels; level >= 1; level--)
            {
                int shift = PageGeometry.LevelShift(level);
                if (!platform.Memory.TryRead64(table + (PageGeometry.Index(address, level) * SecondLevelPageTableEntry.Size), out ulong raw))
                {
                    return false;
                }

                var entry = new SecondLevelPageTableEntry(raw);
                if (!entry.Read && !entry.Write)
                {
                    return false;
                }

                if (level == 1 || entry.PS)
                {
                    host = (entry.ADDR & ~((1UL << shift) - 1)) | (address & ((1UL << shift) - 1));
                    return true;
                }

                table = entry.ADDR;
            }

            return false;
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
            int shift = PageGeometry.LevelShift(level);
            for (int i = 0; i < PageGeometry.EntriesPerTable && !_truncated; i++)
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
