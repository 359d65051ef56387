using VtdEmu.Iommu.Intel;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>Intel driver: second-level page tables and the map / unmap flushes (spec-notes/iommu-core.md "Map and
/// unmap"; spec-notes/intel-driver.md "Paging domains").</summary>
public sealed partial class IntelIommuDriverTests
{
    private const ulong Size4K = 0x1000;
    private const ulong Size2M = 0x20_0000;
    private const ulong Size1G = 0x4000_0000;
    private const IommuProt ReadWrite = IommuProt.Read | IommuProt.Write;

    /// <summary>Every mode of <see cref="Modes"/> with the three leaf sizes (all of them offer 1 GiB leaves).</summary>
    public static TheoryData<string, ulong, ulong, ulong> AlignedRanges()
    {
        TheoryData<string, ulong, ulong, ulong> rows = [];
        foreach (string mode in s_modeNames)
        {
            rows.Add(mode, 0x0UL, 0x3000UL, 4096UL);
            rows.Add(mode, 0x20_0000UL, 0x40_0000UL, 0x20_0000UL);
            rows.Add(mode, 0x4000_0000UL, 0x4000_0000UL, 0x4000_0000UL);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(AlignedRanges))]
    public void Map_AlignedRange_LeavesOfTheLargestSizeTranslateEveryPage(string mode, ulong iova, ulong size, ulong leaf)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        ulong pa = 0x1_0000_0000 + iova;

        Assert.Equal(LinuxError.Success, rig.Core.Map(d, iova, pa, size, ReadWrite));

        for (ulong off = 0; off < size; off += Math.Max(Size4K, size / 64))
        {
            Assert.Equal(new DecodedLeaf(pa + off, leaf, true, true), rig.Walk(rig.Dev("A").Bdf, iova + off));
            Assert.Equal(pa + off, IommuCore.IovaToPhys(d, iova + off));
        }

        Assert.Null(rig.Walk(rig.Dev("A").Bdf, iova + size));
    }

    public static TheoryData<string, bool> ModesAttached()
    {
        TheoryData<string, bool> rows = [];
        foreach (string mode in s_modeNames)
        {
            rows.Add(mode, false);
            rows.Add(mode, true);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(ModesAttached))]
    public void DomainFree_AfterMapsAtEveryLevel_ReturnsEveryTablePageToThePool(string mode, bool wasAttached)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton());
        int before = rig.Driver.PagesInUse;
        IommuDomain d = rig.NewDomain("A");
        Assert.True(rig.Driver.PagesInUse > before); // the top-level table
        if (wasAttached)
        {
            Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, rig.Dev("A")));
        }

        // 4 KiB leaves in two 2 MiB regions and under two 1 GiB entries, a 2 MiB leaf and a 1 GiB leaf.
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x1000, 0x1_0000_1000, 0x3000, ReadWrite));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x20_0000 + 0x5000, 0x1_0020_5000, 0x1000, ReadWrite));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x4000_0000, 0x2_0000_0000, 0x1000, ReadWrite));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x60_0000, 0x1_0060_0000, Size2M, ReadWrite));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x8000_0000, 0x3_0000_0000, Size1G, ReadWrite));
        Assert.True(rig.Driver.PagesInUse >= before + 1 + 2 + 3);
        if (wasAttached)
        {
            Assert.Equal(LinuxError.EBUSY, rig.Core.DomainFree(d)); // attached domains are never freed
            rig.Core.DetachDevice(d, rig.Dev("A"));
        }

        Assert.Equal(LinuxError.Success, rig.Core.DomainFree(d));

        Assert.Equal(before, rig.Driver.PagesInUse);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Map_ReadOnly_LeafHasReadWithoutWrite(string mode)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton());

        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x5000, 0x9000, Size4K, IommuProt.Read));

        Assert.Equal(new DecodedLeaf(0x9000, Size4K, Read: true, Write: false), rig.Walk(rig.Dev("A").Bdf, 0x5000));
    }

    [Fact]
    public void Map_EdgeCases_FollowGenericPageTableOutcomes()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Broadwell, IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");

        // Scenario 44: 48-bit domain, map crossing 2^48 → ERANGE, nothing mapped; prot 0 → EINVAL.
        Assert.Equal(LinuxError.ERANGE, rig.Core.Map(d, (1UL << 48) - Size4K, 0x1000, 2 * Size4K, ReadWrite));
        Assert.Equal(0UL, IommuCore.IovaToPhys(d, (1UL << 48) - Size4K));
        Assert.Equal(LinuxError.EINVAL, rig.Core.Map(d, 0x1000, 0x1000, Size4K, IommuProt.None));

        // Overlap → EADDRINUSE, the old leaf is kept.
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x20_0000, 0x40_0000, Size2M, ReadWrite));
        Assert.Equal(LinuxError.EADDRINUSE, rig.Core.Map(d, 0x20_1000, 0x7000, Size4K, ReadWrite));
        Assert.Equal(0x40_1000UL, IommuCore.IovaToPhys(d, 0x20_1000));

        // Scenario 41: relative offset differs → 4 KiB leaves only.
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x4000_0000, 0x4000_1000, 0x40_0000, ReadWrite));
        Assert.Equal(Size4K, rig.Walk(rig.Dev("A").Bdf, 0x4020_0000)!.Value.PageSize);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Unmap_InsideAndAcrossLargeLeaves_FollowsGenericPageTableRules(string mode)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x20_0000, 0x20_0000, Size2M, ReadWrite));

        // Start inside a 2 MiB leaf: nothing is unmapped.
        Assert.Equal(0UL, rig.Core.Unmap(d, 0x20_1000, Size4K));
        Assert.Equal(0x20_1000UL, IommuCore.IovaToPhys(d, 0x20_1000));

        // Start at the leaf, end inside it: the whole leaf goes and is counted.
        Assert.Equal(Size2M, rig.Core.Unmap(d, 0x20_0000, Size4K));
        Assert.Equal(0UL, IommuCore.IovaToPhys(d, 0x20_1000));
        Assert.Equal(0UL, rig.Core.Unmap(d, 0x20_0000, Size4K));
    }

    [Fact]
    public void Scenario57_StrictUnmapOfOneLeaf_PsiWithIhThenDeviceTlbSameRange()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Broadwell, IntelRig.Singleton(), options: new IntelDriverOptions { AtsCapable = _ => true });
        IommuDomain d = rig.Domain("A");
        ushort did = Assert.IsType<IntelPagingDomain>(d.Ops).Did;
        Assert.Equal(1, rig.Context(rig.Dev("A").Bdf)!.Value.TranslationType); // device-TLB translation type
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x30_0000, 2 * Size4K, ReadWrite));
        rig.Mmio.Clear();

        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_0000, Size4K));

        // A sibling leaf remains, so no table was freed: IH = 1. Broadwell drains (DWD/DRD) are in the descriptor.
        Assert.Equal([$"iotlb psi did={did} addr=0x100000 am=0 ih=1", "devtlb sid=0100 addr=0x100000 s=0"], rig.Mmio.Invalidations);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void StrictUnmap_LastLeafOfTable_PsiWithoutIhAndTablesFreedAfterFlush(string mode)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        ushort did = Assert.IsType<IntelPagingDomain>(d.Ops).Did;
        int before = rig.Driver.PagesInUse;
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x4000_0000, 0x1000, 3 * Size4K, ReadWrite));
        int levels = Assert.IsType<IntelPagingDomain>(d.Ops).Levels;
        Assert.Equal(before + levels - 1, rig.Driver.PagesInUse); // one table per level below the top (PD + PT on 3 levels)
        rig.Mmio.Clear();

        Assert.Equal(3 * Size4K, rig.Core.Unmap(d, 0x4000_0000, 3 * Size4K));

        // Three pages → 4-page aligned block (AM 2); the emptied tables make IH = 0; they are freed after the flush.
        // First-level tables (scalable with FLTS) take the PASID-based form for RID_PASID (spec-notes/intel-driver.md
        // "Scalable mode", map / unmap).
        string expected = rig.Driver.FirstLevelTables
            ? $"piotlb page did={did} pasid=0 addr=0x40000000 am=2 ih=0"
            : $"iotlb psi did={did} addr=0x40000000 am=2 ih=0";
        Assert.Equal([expected], rig.Mmio.Invalidations);
        Assert.Equal(before, rig.Driver.PagesInUse);
    }

    [Fact]
    public void LazyUnmap_NoInvalidationUntilDrainThenDomainSelectiveAndDeviceTlbAll()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Broadwell, IntelRig.Singleton(), IommuDmaPolicy.Lazy, new IntelDriverOptions { AtsCapable = _ => true });
        IommuDomain d = rig.Domain("A");
        Assert.Equal(IommuDomainType.DmaFq, d.Type);
        ushort did = Assert.IsType<IntelPagingDomain>(d.Ops).Did;
        int before = rig.Driver.PagesInUse;
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x30_0000, Size4K, ReadWrite));
        rig.Mmio.Clear();

        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_0000, Size4K));

        Assert.Empty(rig.Mmio.Invalidations);
        Assert.Null(rig.Walk(rig.Dev("A").Bdf, 0x10_0000));
        Assert.True(rig.Driver.PagesInUse > before); // emptied tables wait for the flush

        Assert.Equal(1, d.FlushQueue!.Drain());

        Assert.Equal([$"iotlb dsi did={did}", "devtlb sid=0100 addr=0x7ffffffffffff000 s=1"], rig.Mmio.Invalidations);
        Assert.Equal(before, rig.Driver.PagesInUse);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Map_CachingMode_PsiWithoutIhForTheNewRange(bool queued)
    {
        IntelRig rig = IntelRig.Boot(queued ? TestUnits.QemuCachingMode : TestUnits.QemuRegisterCachingMode, IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        ushort did = Assert.IsType<IntelPagingDomain>(d.Ops).Did;
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x1_3000, 0x8000, 2 * Size4K, ReadWrite));

        // Pages 0x13 and 0x14 are not in one aligned 2-page block: the block grows to 8 pages at 0x10000.
        Assert.Equal([$"iotlb psi did={did} addr=0x10000 am=3 ih=0"], rig.Mmio.Invalidations);
    }

    [Fact]
    public void Map_NoCachingModeNoRwbf_NoInvalidationAtAll()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        rig.Mmio.Clear();

        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x1000, 0x1000, Size4K, ReadWrite));

        Assert.Empty(rig.Mmio.Log);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Scenario45_DriverPagesExhaustedMidMap_EnomemAndEverythingRolledBack(string mode)
    {
        // Just enough pages for init, the root port's and A's default domains (and PASID tables in scalable mode) and
        // the first 2 MiB region's tables: one per level below the top.
        IntelRig probe = IntelRig.Boot(Unit(mode), IntelRig.Singleton());
        int levels = Assert.IsType<IntelPagingDomain>(probe.Domain("A").Ops).Levels;
        int pages = probe.Driver.PagesInUse + levels - 1;
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton(), driverPages: new Memory.MemoryRange(IntelRig.DriverPages.Base, (ulong)pages * Size4K));
        IommuDomain d = rig.Domain("A");

        // 16 leaves crossing a 2 MiB boundary: the second PT page cannot be allocated.
        Assert.Equal(LinuxError.ENOMEM, rig.Core.Map(d, 0x1F_D000, 0x50_0000, 16 * Size4K, ReadWrite));

        for (ulong off = 0; off < 16 * Size4K; off += Size4K)
        {
            Assert.Equal(0UL, IommuCore.IovaToPhys(d, 0x1F_D000 + off));
        }

        Assert.Contains(IntelDriverDiagnostic.OutOfPages, rig.Driver.Diagnostics);
    }

    [Theory]
    [InlineData(0x1000UL, 0x1000UL, 0x1000UL, 0)]
    [InlineData(0x1000UL, 0x3FFFUL, 0x0UL, 2)]
    [InlineData(0x1_3000UL, 0x1_4FFFUL, 0x1_0000UL, 3)]
    [InlineData(0x20_0000UL, 0x3F_FFFFUL, 0x20_0000UL, 9)]
    [InlineData(0x1F_F000UL, 0x20_0FFFUL, 0x0UL, 10)]
    public void PsiRange_SmallestAlignedBlockCoveringTheRange(ulong start, ulong end, ulong address, int mask)
    {
        Assert.Equal(address, IntelInvalidator.PsiRange(start, end, out int m));
        Assert.Equal(mask, m);

        // The block really covers the range and is aligned to its size.
        ulong blockSize = 0x1000UL << m;
        Assert.Equal(0UL, address & (blockSize - 1));
        Assert.True(address <= start && end <= address + blockSize - 1);
    }
}
