using CsCheck;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Tests.Builders;
using VtdEmu.Tests.Reference;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

/// <summary>
/// The first-level walker (spec-notes/first-level.md): one test per fault reason it produces, the user/supervisor,
/// WPE and execute rules, and a property comparing it with <see cref="ReferenceFirstLevelWalker"/> on random
/// paths — fault, output and exactly which entries' A/D bits change, to what.
/// </summary>
public sealed class FirstLevelWalkerTests
{
    private const int Haw = TestParameters.Haw;
    private const ulong Iova = 0x12_3456_7000;
    private const ulong Hpa = 0x40_0000;

    // P | R/W | U/S | A-less: what a table entry needs to pass everything.
    private const ulong Open = 0x7;

    private readonly GuestMemory _memory = new(new MemoryRange(0, 0x100_0000));
    private ulong _nextPage = 0x10_0000;

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Walk_OpenPath_TranslatesAndSetsAOnEveryEntryAndDOnTheLeafOfAWrite(int levels)
    {
        (ulong root, ulong[] slots) = Path(levels, leafLevel: 1, Open, Open | Hpa);

        TranslationResult r = Walker().Walk(Request(write: true), root, levels, wpe: false, out FirstLevelLeaf leaf);

        Assert.Equal(FaultReason.None, r.Fault);
        Assert.Equal(Hpa | 0x123, r.OutputAddress);
        Assert.Equal(levels, r.TableReads);
        for (int i = 0; i < slots.Length; i++)
        {
            Assert.True(_memory.TryRead64(slots[i], out ulong e));
            Assert.Equal(i == slots.Length - 1 ? 0x60UL : 0x20UL, e & 0x60);
        }

        Assert.Equal(new FirstLevelLeaf(Hpa, 12, Cacheable: true, Read: true, Write: true), leaf);
    }

    [Fact]
    public void Walk_Read_SetsAOnlyAndLeavesDClear()
    {
        (ulong root, ulong[] slots) = Path(4, leafLevel: 1, Open, Open | Hpa);

        Assert.Equal(FaultReason.None, Walker().Walk(Request(write: false), root, 4, wpe: false, out FirstLevelLeaf leaf).Fault);

        Assert.True(_memory.TryRead64(slots[^1], out ulong e));
        Assert.Equal(0x20UL, e & 0x60);
        Assert.False(leaf.Write); // clean leaf: a later write must walk to set D
    }

    // fault, levels, leaf level, table-entry bits, leaf bits, write, privileged, execute, wpe
    public static TheoryData<FaultReason, int, ulong, ulong, bool, bool, bool, bool> Faults => new()
    {
        { FaultReason.FirstLevelEntryNotPresent, 1, Open, Open & ~1UL, false, false, false, false },
        { FaultReason.FirstLevelEntryReserved, 1, Open | (1UL << 50), Open, false, false, false, false },   // address bit above HAW 46
        { FaultReason.FirstLevelEntryReserved, 2, Open, Open | 0x80 | 0x2000, false, false, false, false },  // 2 MiB leaf, bit 13
        { FaultReason.UserAccessDenied, 1, Open & ~4UL, Open, false, false, false, false },
        { FaultReason.ScalableWriteDenied, 1, Open, Open & ~2UL, true, false, false, false },
        { FaultReason.None, 1, Open, Open & ~2UL, true, true, false, false },                               // supervisor write, WPE = 0
        { FaultReason.ScalableWriteDenied, 1, Open, Open & ~2UL, true, true, false, true },                 // supervisor write, WPE = 1
        { FaultReason.ExecuteDenied, 1, Open, Open | (1UL << 63), false, false, true, false },              // XD
        { FaultReason.ExecuteDenied, 1, Open, Open, false, true, true, false },                             // supervisor executes a user page
        { FaultReason.None, 1, Open, Open & ~4UL, false, true, true, false },                               // supervisor executes a supervisor page
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Walk_Rules_GiveTheSpecsFault(FaultReason expected, int leafLevel, ulong table, ulong leafBits, bool write, bool privileged, bool execute, bool wpe)
    {
        ulong leaf = leafBits | (leafLevel == 2 ? 0x80_0000 : Hpa);
        (ulong root, ulong[] slots) = Path(4, leafLevel, table, leaf);
        ulong[] before = Snapshot(slots);

        TranslationResult r = Walker().Walk(Request(write, privileged, execute), root, 4, wpe, out _);

        Assert.Equal(expected, r.Fault);
        if (expected != FaultReason.None)
        {
            Assert.Equal(before, Snapshot(slots)); // a faulting request changes no A/D bit
        }
    }

    [Fact]
    public void Walk_PsInPml4OrInPdpeWithoutFl1gp_Reserved()
    {
        (ulong root, _) = Path(4, leafLevel: 3, Open, Open | 0x80 | 0x4000_0000);

        Assert.Equal(FaultReason.FirstLevelEntryReserved, Walker(fl1gp: false).Walk(Request(), root, 4, false, out _).Fault);
        Assert.Equal(FaultReason.None, Walker(fl1gp: true).Walk(Request(), root, 4, false, out _).Fault);
    }

    [Theory]
    [InlineData(4, 0x0000_8000_0000_0000UL)]
    [InlineData(4, 0xFFFF_0000_0000_0000UL)]
    [InlineData(5, 0x0100_0000_0000_0000UL)]
    public void Walk_NonCanonicalInput_Sgn1WithoutReads(int levels, ulong address)
    {
        TranslationResult r = Walker().Walk(new DmaRequest(0x10, address, DmaAccess.Read, pasid: 1), 0x1000, levels, false, out _);

        Assert.Equal((FaultReason.NonCanonicalAddress, 0), (r.Fault, r.TableReads));
    }

    [Fact]
    public void Walk_UnreadableRootOrLowerTable_Sfl4ThenSfl1()
    {
        Assert.Equal(FaultReason.FirstLevelRootAccessError, Walker().Walk(Request(), 0x4000_0000, 4, false, out _).Fault);

        (ulong root, ulong[] slots) = Path(4, leafLevel: 1, Open, Open | Hpa);
        Assert.True(_memory.TryWrite64(slots[1], 0x4000_0000 | Open)); // level-3 entry points outside RAM
        Assert.Equal(FaultReason.FirstLevelEntryAccessError, Walker().Walk(Request(), root, 4, false, out _).Fault);
    }

    [Theory]
    [InlineData(true, false, FaultReason.ExecuteRequestDisabled)]
    [InlineData(false, true, FaultReason.SupervisorRequestDisabled)]
    public void TranslateFirstLevel_ExecuteOrSupervisorNotEnabledInPasidEntry_Spt5OrSpt6(bool execute, bool privileged, FaultReason expected)
    {
        (ulong root, _) = Path(4, leafLevel: 1, Open, Open | Hpa);
        var translator = new Translator(_memory, TestParameters.Create(ecap: TestParameters.DefaultEcap | TestParameters.FLTS));
        var context = new TranslationContext { Scalable = true, Kind = TranslationKind.FirstLevel, FirstLevelRoot = root, Levels = 4 };

        Assert.Equal(expected, translator.TranslateInContext(Request(false, privileged, execute), context).Fault);
        Assert.NotEqual(expected, translator.TranslateInContext(Request(false, privileged, execute), new TranslationContext
        {
            Scalable = true, Kind = TranslationKind.FirstLevel, FirstLevelRoot = root, Levels = 4, Sre = true, Ere = true,
        }).Fault);
    }

    [Fact]
    public void Property_RandomPaths_WalkerMatchesReferenceIncludingAccessedDirtyUpdates()
    {
        // Per level: P mostly set; R/W, U/S, PS, XD, A, D random; now and then a reserved address bit.
        Gen<ulong> bits = Gen.Select(Gen.Int[0, 9], Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Int[0, 19])
            .Select((p, rw, us, ps, xd, a, d, rsv) => (p > 0 ? 1UL : 0) | (rw ? 2UL : 0) | (us ? 4UL : 0) | (ps ? 0x80UL : 0)
                | (xd ? 1UL << 63 : 0) | (a ? 0x20UL : 0) | (d ? 0x40UL : 0) | (rsv == 0 ? 1UL << 48 : 0));
        Gen.Select(Gen.Int[4, 5], bits.Array[5], Gen.Int[0, 7], Gen.Int[0, 15], Gen.Bool)
            .Sample((levels, path, request, addressPick, fl1gp) => Check(levels, path, request, addressPick, fl1gp), iter: 400);
    }

    private void Check(int levels, ulong[] entryBits, int requestBits, int addressPick, bool fl1gp)
    {
        GuestMemory memory = new(new MemoryRange(0, 0x100_0000));
        ulong address = addressPick switch { 0 => 0x0000_8000_0000_0123, 1 => 0xFFFF_FFFF_FFFF_F123, _ => Iova | 0x123 };
        ulong root = 0x10_0000;
        ulong table = root;
        for (int i = 0; i < levels; i++)
        {
            int level = levels - i;
            ulong next = 0x10_0000 + ((ulong)(i + 1) * 0x1000);
            ulong target = level == 1 || (entryBits[i] & 0x80) != 0 ? 0x80_0000 & ~((1UL << (12 + (9 * (level - 1)))) - 1) : next;
            ulong at = table + (((address >> (12 + (9 * (level - 1)))) & 511) * 8);
            Assert.True(memory.TryWrite64(at, target | entryBits[i]));
            table = next;
        }

        bool write = (requestBits & 1) != 0;
        bool privileged = (requestBits & 2) != 0;
        bool execute = (requestBits & 4) != 0;
        bool wpe = addressPick % 2 == 0;
        byte[] before = new byte[0x1000 * 6];
        Assert.True(memory.TryRead(root, before));

        var expected = ReferenceFirstLevelWalker.Translate(memory, root, levels, Haw, fl1gp, address, write, privileged, execute, wpe);
        var walker = new FirstLevelWalker(memory, TestParameters.Create(cap: TestParameters.Cap() | (fl1gp ? 1UL << 56 : 0)));
        TranslationResult r = walker.Walk(new DmaRequest(0x10, address, write ? DmaAccess.Write : DmaAccess.Read, pasid: 1, privileged: privileged, execute: execute), root, levels, wpe, out _);

        Assert.Equal(expected.Fault, r.Fault);
        Assert.Equal(expected.Output, r.Fault == FaultReason.None ? r.OutputAddress : 0);
        byte[] after = new byte[before.Length];
        Assert.True(memory.TryRead(root, after));
        for (int offset = 0; offset < before.Length; offset += 8)
        {
            ulong old = BitConverter.ToUInt64(before, offset);
            ulong now = BitConverter.ToUInt64(after, offset);
            int u = ((List<(ulong Address, ulong Value)>)[.. expected.Updates]).FindIndex(x => x.Address == root + (ulong)offset);
            Assert.Equal(u < 0 ? old : expected.Updates[u].Value, now);
        }
    }

    private FirstLevelWalker Walker(bool fl1gp = true) =>
        new(_memory, TestParameters.Create(cap: TestParameters.Cap() | (fl1gp ? 1UL << 56 : 0), ecap: TestParameters.DefaultEcap | TestParameters.FLTS));

    private static DmaRequest Request(bool write = false, bool privileged = false, bool execute = false) =>
        new(0x10, Iova | 0x123, write ? DmaAccess.Write : DmaAccess.Read, pasid: 1, privileged: privileged, execute: execute);

    // A path for Iova: table entries carry tableBits, the entry at leafLevel is leaf (its address included).
    private (ulong Root, ulong[] Slots) Path(int levels, int leafLevel, ulong tableBits, ulong leaf)
    {
        ulong root = NewPage();
        ulong table = root;
        List<ulong> slots = [];
        for (int level = levels; level >= leafLevel; level--)
        {
            ulong at = table + (((Iova >> (12 + (9 * (level - 1)))) & 511) * 8);
            slots.Add(at);
            if (level == leafLevel)
            {
                Assert.True(_memory.TryWrite64(at, leaf));
                break;
            }

            ulong next = NewPage();
            Assert.True(_memory.TryWrite64(at, next | tableBits));
            table = next;
        }

        return (root, [.. slots]);
    }

    private ulong NewPage()
    {
        ulong page = _nextPage;
        _nextPage += 0x1000;
        return page;
    }

    private ulong[] Snapshot(ulong[] slots) => [.. slots.Select(s => _memory.TryRead64(s, out ulong v) ? v : 0)];
}
