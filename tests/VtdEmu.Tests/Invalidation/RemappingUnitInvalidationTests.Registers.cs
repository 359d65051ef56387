using VtdEmu.Invalidation;
using VtdEmu.Registers;

namespace VtdEmu.Tests.Invalidation;

public sealed partial class RemappingUnitInvalidationTests
{
    private const ulong Icc = 1UL << 63;
    private const ulong Ivt = 1UL << 63;

    private static ulong Ccmd(int cirg, ushort did = 0, ushort sid = 0, int fm = 0) =>
        Icc | ((ulong)cirg << 61) | ((ulong)fm << 32) | ((ulong)sid << 16) | did;

    private static ulong IotlbCommand(int iirg, ushort did = 0, bool drain = false) =>
        Ivt | ((ulong)iirg << 60) | (drain ? 3UL << 48 : 0) | ((ulong)did << 32);

    private static int Caig(ulong ccmd) => (int)((ccmd >> 59) & 3);

    private static int Iaig(ulong iotlb) => (int)((iotlb >> 57) & 3);

    [Fact]
    public void Ccmd_Global_ClearsIccReportsCaig01_EmptiesContextCacheOnly()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        unit.Write((ulong)VtdRegister.CCMD, 8, Ccmd(1));

        ulong ccmd = Read64(unit, VtdRegister.CCMD);
        Assert.Equal(0UL, ccmd & Icc);
        Assert.Equal(1, Caig(ccmd));
        Assert.Equal(0, unit.Caches.ContextCache.Count);
        Assert.True(HasPage(unit, DidA, 0)); // a context invalidation leaves the IOTLB alone (spec-notes/caching.md "What software must invalidate")
        Assert.Equal(1, unit.InvalidationStatistics.Performed(InvalidationSource.Register, InvalidationRequest.ContextGlobal));
    }

    [Fact]
    public void Ccmd_DomainSelective_RemovesOnlyThatDid()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        unit.Write((ulong)VtdRegister.CCMD, 8, Ccmd(2, did: DidB));

        Assert.Equal(2, Caig(Read64(unit, VtdRegister.CCMD)));
        Assert.False(HasContext(unit, 0x20));
        Assert.True(HasContext(unit, 0x10));
    }

    // FM masks the most significant function-number bits: 01 ignores bit 2, 10 bits 2:1, 11 bits 2:0.
    public static TheoryData<int, int> FunctionMasks => new() { { 0, 0 }, { 1, 4 }, { 2, 6 }, { 3, 7 } };

    [Theory]
    [MemberData(nameof(FunctionMasks))]
    public void Ccmd_DeviceSelective_FunctionMaskWidensTheMatch(int fm, int ignoredBits)
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        unit.Write((ulong)VtdRegister.CCMD, 8, Ccmd(3, did: DidA, sid: 0x10, fm: fm));

        Assert.Equal(3, Caig(Read64(unit, VtdRegister.CCMD)));
        for (ushort sid = 0x10; sid < 0x18; sid++)
        {
            Assert.Equal(((sid ^ 0x10) & ~ignoredBits) != 0, HasContext(unit, sid));
        }

        Assert.True(HasContext(unit, 0x20));
    }

    [Fact]
    public void Ccmd_ReservedCirg_NotPerformedCaig00_IccCleared()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        unit.Write((ulong)VtdRegister.CCMD, 8, Ccmd(0));

        ulong ccmd = Read64(unit, VtdRegister.CCMD);
        Assert.Equal(0UL, ccmd & Icc);
        Assert.Equal(0, Caig(ccmd));
        Assert.Equal(9, unit.Caches.ContextCache.Count);
        Assert.Equal(1, unit.InvalidationStatistics.RegisterRequestsNotPerformed);
    }

    [Fact]
    public void Ccmd_LowDwordWrite_DoesNothing_HighDwordFiresOnce()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        ulong command = Ccmd(1);
        unit.Write((ulong)VtdRegister.CCMD, 4, command & 0xFFFF_FFFF);
        Assert.Equal(9, unit.Caches.ContextCache.Count);

        unit.Write((ulong)VtdRegister.CCMD + 4, 4, command >> 32);
        Assert.Equal(0, unit.Caches.ContextCache.Count);
        Assert.Equal(1, unit.InvalidationStatistics.Performed(InvalidationSource.Register, InvalidationRequest.ContextGlobal));
    }

    public static TheoryData<int, int, int> IotlbRequests => new()
    {
        // IIRG, AM, expected IAIG
        { 1, 0, 1 },
        { 2, 0, 2 },
        { 3, 0, 3 },
        { 3, 2, 3 },
        { 3, 18, 3 }, // qemu MAMV = 18
        { 3, 19, 0 }, // AM > MAMV: not performed
        { 0, 0, 0 },  // reserved granularity
    };

    [Theory]
    [MemberData(nameof(IotlbRequests))]
    public void IotlbReg_Request_ClearsIvtReportsIaig(int iirg, int am, int iaig)
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        unit.Write(IvaRegister(unit), 8, 0x4000UL | (uint)am);
        unit.Write(IotlbRegister(unit), 8, IotlbCommand(iirg, DidA));

        ulong iotlb = unit.Read(IotlbRegister(unit), 8);
        Assert.Equal(0UL, iotlb & Ivt);
        Assert.Equal(iaig, Iaig(iotlb));
        Assert.Equal(iaig == 0, HasPage(unit, DidA, 0x4000));
        Assert.Equal(iaig == 0 || (iaig == 3 && am < 3), HasPage(unit, DidA, 0)); // 2^AM pages, low AM page bits ignored
        Assert.Equal(iaig != 1, HasPage(unit, DidB, 0x4000));
    }

    [Fact]
    public void IotlbReg_PageSelective_IhKeepsPagingStructureEntries()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        unit.Write(IvaRegister(unit), 8, 0x3000UL | 0x40); // IH = 1
        unit.Write(IotlbRegister(unit), 8, IotlbCommand(3, DidA));
        Assert.False(HasPage(unit, DidA, 0x3000));
        Assert.True(HasPde(unit, DidA));

        unit.Write(IvaRegister(unit), 8, 0x3000UL); // IH = 0
        unit.Write(IotlbRegister(unit), 8, IotlbCommand(3, DidA));
        Assert.False(HasPde(unit, DidA));
        Assert.True(HasPde(unit, DidB));
    }

    [Fact]
    public void IotlbReg_PageSelectiveWithoutPsi_CoarsenedToDomain()
    {
        RemappingUnit unit = NewUnit(WithCapability(UnitConfiguration.Qemu, 0, clear: 1UL << 39));
        FillCaches(unit.Caches);
        unit.Write(IvaRegister(unit), 8, 0x3000UL);
        unit.Write(IotlbRegister(unit), 8, IotlbCommand(3, DidA));

        Assert.Equal(2, Iaig(unit.Read(IotlbRegister(unit), 8)));
        Assert.False(HasPage(unit, DidA, 0x5000));
        Assert.True(HasPage(unit, DidB, 0x3000));
        InvalidationStatistics statistics = unit.InvalidationStatistics;
        Assert.Equal(1, statistics.Coarsened);
        Assert.Equal(1, statistics.Performed(InvalidationSource.Register, InvalidationRequest.IotlbDomain));
    }

    [Fact]
    public void IotlbReg_LowDwordWrite_DoesNothing_HighDwordFiresOnce()
    {
        RemappingUnit unit = NewUnit();
        FillCaches(unit.Caches);
        ulong command = IotlbCommand(1, drain: true);
        unit.Write(IotlbRegister(unit), 4, command & 0xFFFF_FFFF);
        Assert.True(HasPage(unit, DidA, 0));

        unit.Write(IotlbRegister(unit) + 4, 4, command >> 32);
        Assert.Equal(0, unit.Caches.Iotlb.Count);
        Assert.Equal(1, unit.InvalidationStatistics.Performed(InvalidationSource.Register, InvalidationRequest.IotlbGlobal));
    }

    public static TheoryData<string, bool, TranslationTableMode> RefusedSetups => new()
    {
        { "qemu", true, TranslationTableMode.Legacy },             // QIES = 1
        { "qemu-sm", false, TranslationTableMode.Scalable },       // scalable mode
        { "sapphire-rapids", false, TranslationTableMode.Legacy }, // VER 6.0
    };

    [Theory]
    [MemberData(nameof(RefusedSetups))]
    public void RegisterInvalidation_Unavailable_NotPerformedAndCleared(string preset, bool queueOn, TranslationTableMode mode)
    {
        RemappingUnit unit = NewUnit(preset);
        LatchRoot(unit, mode);
        if (queueOn)
        {
            _ = new InvalidationQueueDriver(unit, _memory);
        }

        FillCaches(unit.Caches);
        unit.Write((ulong)VtdRegister.CCMD, 8, Ccmd(1));
        unit.Write(IotlbRegister(unit), 8, IotlbCommand(1));

        ulong ccmd = Read64(unit, VtdRegister.CCMD);
        ulong iotlb = unit.Read(IotlbRegister(unit), 8);
        Assert.Equal((0UL, 0), (ccmd & Icc, Caig(ccmd)));
        Assert.Equal((0UL, 0), (iotlb & Ivt, Iaig(iotlb)));
        Assert.Equal(9, unit.Caches.ContextCache.Count);
        Assert.Equal(16, unit.Caches.Iotlb.Count);
        Assert.Equal(2, unit.InvalidationStatistics.RegisterRequestsNotPerformed);
    }

    [Fact]
    public void RegisterInvalidation_WithRwbf_FlushesWriteBuffersImplicitly()
    {
        RemappingUnit unit = NewUnit(WithCapability(UnitConfiguration.Qemu, set: 1UL << 4));
        unit.Write((ulong)VtdRegister.CCMD, 8, Ccmd(1));
        unit.Write(IotlbRegister(unit), 8, IotlbCommand(1));
        Assert.Equal(2, unit.InvalidationStatistics.WriteBufferFlushes);

        RemappingUnit plain = NewUnit();
        plain.Write((ulong)VtdRegister.CCMD, 8, Ccmd(1));
        Assert.Equal(0, plain.InvalidationStatistics.WriteBufferFlushes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Srtp_FlushesCachesOnlyWithEsrtps(bool esrtps)
    {
        RemappingUnit unit = NewUnit(WithCapability(UnitConfiguration.Qemu, esrtps ? 1UL << 63 : 0));
        FillCaches(unit.Caches);
        LatchRoot(unit, TranslationTableMode.Legacy);

        Assert.Equal(esrtps ? 0 : 9, unit.Caches.ContextCache.Count);
        Assert.Equal(esrtps ? 0 : 16, unit.Caches.Iotlb.Count);
        Assert.Equal(esrtps ? 0 : 2, unit.Caches.PagingStructureCache.Count);
        Assert.Equal(esrtps ? 1 : 0, unit.InvalidationStatistics.Performed(InvalidationSource.TablePointer, InvalidationRequest.IotlbGlobal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sirtp_CountsInterruptEntryFlushOnlyWithEsirtps(bool esirtps)
    {
        RemappingUnit unit = NewUnit(WithCapability(UnitConfiguration.Qemu, esirtps ? 1UL << 62 : 0));
        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.SIRTP, true);

        Assert.Equal(esirtps ? 1 : 0, unit.InvalidationStatistics.Performed(InvalidationSource.TablePointer, InvalidationRequest.InterruptEntryGlobal));
    }
}
