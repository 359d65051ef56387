using CsCheck;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Tests.Builders;
using VtdEmu.Tests.Reference;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

public sealed class SecondLevelWalkerTests
{
    private const ulong PoolBase = 0x10_0000;
    private const int PoolPages = 12;
    private const int PopulatedSlots = 4;

    [Theory]
    [InlineData(3, 0x1000)]
    [InlineData(4, 0x1000)]
    [InlineData(5, 0x1000)]
    [InlineData(3, 0x20_0000)]
    [InlineData(4, 0x20_0000)]
    [InlineData(5, 0x4000_0000)]
    public void Walk_MappedPage_ReadsOneEntryPerLevelDownToTheLeaf(int levels, ulong size)
    {
        var builder = new TableBuilder();
        const ulong iova = 0x40_0000_0000;
        ulong hpa = 0x1_0000_0000 - size;
        ulong root = builder.SecondLevel(levels, (iova, hpa, size, DmaAccess.ReadWrite));
        var walker = new SecondLevelWalker(builder.Memory, TestParameters.Create());

        TranslationResult result = walker.Walk(iova + 0x123, DmaAccess.Write, scalable: false, WalkStart.FromRoot(root, levels));

        int leafLevel = size switch { 0x1000 => 1, 0x20_0000 => 2, _ => 3 };
        Assert.Equal(FaultReason.None, result.Fault);
        Assert.Equal(hpa + 0x123, result.OutputAddress);
        Assert.Equal(size, result.PageSize);
        Assert.Equal(levels - leafLevel + 1, result.TableReads);
    }

    [Fact]
    public void Walk_FromCachedIntermediateEntry_UsesCarriedRightsAndLowerLevelFaultCodes()
    {
        var builder = new TableBuilder();
        const ulong iova = 0x7_4000_0000;
        ulong root = builder.SecondLevel(4, (iova, 0x20_0000, 0x1000, DmaAccess.ReadWrite));
        ulong pde = builder.PathEntry(root, 4, iova, 2);
        ulong pageDirectory = pde & ~0xFFFUL;
        var walker = new SecondLevelWalker(builder.Memory, TestParameters.Create());

        TranslationResult readOnly = walker.Walk(iova, DmaAccess.Write, scalable: false, new WalkStart(pageDirectory, 2, 4, DmaAccess.Read));
        TranslationResult unbacked = walker.Walk(iova, DmaAccess.Read, scalable: true, new WalkStart(TableBuilder.Unbacked, 2, 4, DmaAccess.ReadWrite));

        Assert.Equal(FaultReason.WriteDenied, readOnly.Fault);
        Assert.Equal(2, readOnly.TableReads);
        Assert.Equal(FaultReason.SecondLevelEntryAccessError, unbacked.Fault);
    }

    [Theory]
    [InlineData(false, FaultReason.ReadDenied)]
    [InlineData(true, FaultReason.SecondLevelEntryNotPresent)]
    public void Walk_NotPresentEntryFullOfReservedBits_ReportsNotPresentNotReserved(bool scalable, FaultReason expected)
    {
        var builder = new TableBuilder();
        ulong table = builder.AllocatePage();
        // R=W=0: every other bit (reserved ones included) is ignored.
        builder.Write64(table, ~3UL);
        var walker = new SecondLevelWalker(builder.Memory, TestParameters.Create());

        TranslationResult result = walker.Walk(0, DmaAccess.Read, scalable, WalkStart.FromRoot(table, 4));

        Assert.Equal(expected, result.Fault);
        Assert.Equal(1, result.TableReads);
    }

    [Fact]
    public void Walk_TableThatPointsAtItself_EndsAfterTheLevelCount()
    {
        var builder = new TableBuilder();
        ulong table = builder.AllocatePage();
        // Slot 0 points at its own table at every level; at level 1 the same entry is read as a PTE.
        builder.Write64(table, table | 0b11);
        var walker = new SecondLevelWalker(builder.Memory, TestParameters.Create());

        TranslationResult result = walker.Walk(0x42, DmaAccess.Read, scalable: false, WalkStart.FromRoot(table, 5));

        Assert.Equal(FaultReason.None, result.Fault);
        Assert.Equal(5, result.TableReads);
        Assert.Equal(table + 0x42, result.OutputAddress);
    }

    /// <summary>
    /// Property: on random page tables (valid pointers, pointers outside RAM or above HAW, reserved
    /// bits, large pages, interrupt-range outputs) and random IOVAs, the walker agrees with
    /// <see cref="ReferenceWalker"/> fault for fault, address for address, read count for read count.
    /// </summary>
    [Fact]
    public void Walk_RandomTables_MatchesReferenceWalker()
    {
        var seen = new HashSet<FaultReason>();
        var pageShifts = new HashSet<int>();
        for (ulong seed = 1; seed <= 300; seed++)
        {
            var pcg = new PCG(7, seed);
            int haw = new[] { 39, 46, 48, 52 }[pcg.Next(4)];
            int mgaw = new[] { 38, 47, 56 }[pcg.Next(3)];
            int sllps = (int)pcg.Next(4);
            bool sc = pcg.Next(2) == 1;
            bool dt = pcg.Next(2) == 1;
            ulong ecap = TestParameters.DefaultEcap | (sc ? TestParameters.SC : 0) | (dt ? TestParameters.DT : 0);
            TranslationParameters parameters = TestParameters.Create(TestParameters.Cap(mgaw: mgaw, sllps: sllps), ecap, haw);
            GuestMemory memory = RandomTables(pcg, haw);
            var translator = new Translator(memory, parameters);

            for (int i = 0; i < 40; i++)
            {
                int levels = 3 + (int)pcg.Next(3);
                bool scalable = pcg.Next(2) == 1;
                var access = (DmaAccess)pcg.Next(4);
                ulong root = pcg.Next(10) == 0 ? TableBuilder.Unbacked : PoolBase + ((ulong)pcg.Next(PoolPages) * 0x1000);
                ulong iova = RandomIova(pcg, levels);
                var context = new TranslationContext { Scalable = scalable, Levels = levels, SecondLevelRoot = root, Kind = TranslationKind.SecondLevel };

                TranslationResult actual = translator.TranslateInContext(new DmaRequest(1, iova, access), context);
                ReferenceWalker.Outcome expected = ReferenceWalker.Translate(memory, haw, mgaw, sllps, sc, dt, root, levels, iova, access, scalable);

                string where = $"seed {seed} case {i}: levels {levels} iova 0x{iova:X} {access} scalable {scalable} haw {haw}";
                Assert.True(expected.Fault == actual.Fault, $"{where}: expected {expected.Fault}, got {actual.Fault}");
                Assert.True(expected.Reads == actual.TableReads, $"{where}: reads {expected.Reads} vs {actual.TableReads}");
                seen.Add(actual.Fault);
                if (expected.Fault == FaultReason.None)
                {
                    pageShifts.Add(actual.PageShift);
                    Assert.True(expected.Output == actual.OutputAddress, $"{where}: output 0x{expected.Output:X} vs 0x{actual.OutputAddress:X}");
                    Assert.Equal(expected.PageShift, actual.PageShift);
                    Assert.Equal(expected.Read, actual.Read);
                    Assert.Equal(expected.Write, actual.Write);
                }
            }
        }

        // Guard against a vacuous run: the random tables must reach every walk outcome.
        FaultReason[] outcomes =
        [
            FaultReason.None, FaultReason.AddressBeyondWidth, FaultReason.ContextEntryInvalid, FaultReason.PagingEntryAccessError,
            FaultReason.PagingEntryReserved, FaultReason.WriteDenied, FaultReason.ReadDenied, FaultReason.OutputInInterruptRange,
            FaultReason.ScalableAddressBeyondWidth, FaultReason.SecondLevelRootAccessError, FaultReason.SecondLevelEntryAccessError,
            FaultReason.SecondLevelEntryNotPresent, FaultReason.SecondLevelEntryReserved, FaultReason.ScalableWriteDenied,
            FaultReason.ScalableReadDenied, FaultReason.ScalableOutputInInterruptRange,
        ];
        Assert.All(outcomes, outcome => Assert.Contains(outcome, seen));
        Assert.Equal([12, 21, 30], pageShifts.Order());
    }

    /// <summary>A pool of table pages whose first slots hold random (mostly plausible) entries.</summary>
    private static GuestMemory RandomTables(PCG pcg, int haw)
    {
        var memory = new GuestMemory(new MemoryRange(0, 0x100_0000));
        for (int page = 0; page < PoolPages; page++)
        {
            for (int slot = 0; slot < PopulatedSlots; slot++)
            {
                Assert.True(memory.TryWrite64(PoolBase + ((ulong)page * 0x1000) + ((ulong)slot * 8), RandomEntry(pcg, haw)));
            }
        }

        return memory;
    }

    private static ulong RandomEntry(PCG pcg, int haw)
    {
        ulong address = pcg.Next(12) switch
        {
            < 6 => PoolBase + ((ulong)pcg.Next(PoolPages) * 0x1000),
            6 => TableBuilder.Unbacked + ((ulong)pcg.Next(16) * 0x1000),
            7 => 1UL << (int)(haw - 1 + pcg.Next((uint)(53 - haw))), // at/above HAW when the bit is ≥ HAW
            8 => (ulong)pcg.Next(4) << 30, // 1 GiB aligned
            9 => 0xFEE0_0000,
            10 => pcg.Next64() & 0x000F_FFFF_FFFF_F000,
            _ => 0,
        };
        ulong entry = (address & 0x000F_FFFF_FFFF_F000) | pcg.Next(4);
        if (pcg.Next(3) == 0)
        {
            entry |= 1UL << 7; // PS
        }

        if (pcg.Next(4) == 0)
        {
            int[] interesting = [11, 62, 7, 12, 20, 21, 29, 52, 63, 3, 8];
            entry |= 1UL << interesting[pcg.Next((uint)interesting.Length)];
        }

        return pcg.Next(20) == 0 ? pcg.Next64() : entry;
    }

    private static ulong RandomIova(PCG pcg, int levels)
    {
        if (pcg.Next(10) == 0)
        {
            return pcg.Next64() >> (int)pcg.Next(20);
        }

        ulong iova = pcg.Next(0x1000);
        for (int level = 1; level <= levels; level++)
        {
            // Index 0..3 hits a populated slot, 4 an empty (not-present) one.
            iova |= (ulong)pcg.Next(PopulatedSlots + 1) << (12 + (9 * (level - 1)));
        }

        return iova;
    }
}
