using CsCheck;
using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;

namespace VtdEmu.Iommu.Tests;

/// <summary>spec-notes/iommu-core.md "Map and unmap".</summary>
public sealed partial class IommuCoreTests
{
    private const ulong K4 = FakeIommuDriver.Size4K;
    private const ulong M2 = FakeIommuDriver.Size2M;
    private const ulong G1 = FakeIommuDriver.Size1G;
    private const ulong Mock2K = 0x800;
    private const IommuProt Rw = IommuProt.Read | IommuProt.Write;

    /// <summary>Linux <c>iommu_pgsize</c> worked through with bitmap 4K|2M|1G: (iova, paddr, size) → calls.</summary>
    public static TheoryData<ulong, ulong, ulong, string> PgSizeExamples => new()
    {
        { 0x0, 0x0, 0x3000, "1000x3" },
        { 0x1F_F000, 0x1F_F000, 0x20_2000, "1000x1 200000x1 1000x1" },
        { 0x4000_0000, 0x4000_0000, 0x4020_0000, "40000000x1 200000x1" },
        { 0x20_0000, 0x20_1000, 0x40_0000, "1000x1024" },
        { 0x1000, 0x1000, 0x1F_F000, "1000x511" },
    };

    [Theory]
    [MemberData(nameof(PgSizeExamples))]
    public void Map_WorkedExamples_DriverCallsMatch(ulong iova, ulong paddr, ulong size, string expected)
    {
        // Includes scenario 41 (misaligned relative offset: never a superpage).
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, iova, paddr, size, Rw));
        string calls = string.Join(' ', ((FakeDomain)d.Ops).MapCalls.Select(c => $"{c.Pgsize:x}x{c.Count}"));
        Assert.Equal(expected, calls);
        Assert.Equal(paddr + size - 1, IommuCore.IovaToPhys(d, iova + size - 1));
        Assert.Equal(1, ((FakeDomain)d.Ops).SyncMapCalls);
    }

    [Fact]
    public void PgSize_Property_ChunksAreSupportedAlignedAndFit()
    {
        // For random aligned inputs: pgsize is in the bitmap, both addresses are pgsize-aligned, count ≥ 1 and the
        // chunk fits in size.
        Gen.Select(Gen.ULong[0, 1 << 20], Gen.ULong[0, 1 << 20], Gen.ULong[1, 1 << 20]).Sample(t =>
        {
            ulong iova = t.Item1 * K4;
            ulong paddr = t.Item2 * K4;
            ulong size = t.Item3 * K4;
            (ulong pgsize, ulong count) = IommuCore.PgSize(FakeIommuDriver.VtdBitmap, iova, paddr, size);
            return (FakeIommuDriver.VtdBitmap & pgsize) == pgsize && iova % pgsize == 0 && paddr % pgsize == 0 &&
                count >= 1 && pgsize * count <= size;
        });
    }

    [Fact]
    public void Map_Unaligned_EINVAL()
    {
        // Scenario 39.
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.EINVAL, rig.Core.Map(d, 0x1000, 0x1800, 0x1000, Rw));
        Assert.Equal(LinuxError.EINVAL, rig.Core.Map(d, 0x1000, 0x2000, 0x1800, Rw));
        Assert.Equal(LinuxError.EINVAL, rig.Core.Map(d, 0x1800, 0x2000, 0x1000, Rw));
        Assert.Equal(0, ((FakeDomain)d.Ops).LeafCount);
        Assert.Empty(((FakeDomain)d.Ops).MapCalls);
    }

    [Fact]
    public void Map_Mock2KBitmap_SizesNotMultipleOf2KRejected()
    {
        // Scenario 39 (mock driver half): sizes 1 … 2 pages.
        FakeIommuDriver driver = new(pgsizeBitmap: Mock2K);
        CoreRig rig = CoreRig.Singleton(driver: driver);
        IommuDomain d = rig.NewDomain("A");
        for (ulong size = 1; size <= 2 * K4; size++)
        {
            LinuxError r = rig.Core.Map(d, 0x10_0000, 0x20_0000, size, Rw);
            Assert.Equal(size % Mock2K == 0 ? LinuxError.Success : LinuxError.EINVAL, r);
            if (r == LinuxError.Success)
            {
                Assert.Equal(size, rig.Core.Unmap(d, 0x10_0000, size));
            }
        }
    }

    [Fact]
    public void Map_NonPagingDomains_Rejected()
    {
        // Scenario 42.
        CoreRig rig = CoreRig.Singleton();
        IommuDomain identity = rig.Core.GetStaticIdentityDomain(rig.Driver)!;
        IommuDomain blocked = rig.Core.GetStaticBlockedDomain(rig.Driver)!;
        Assert.Equal(LinuxError.EINVAL, rig.Core.Map(identity, 0, 0, K4, Rw));
        Assert.Equal(0UL, rig.Core.Unmap(identity, 0, K4));
        Assert.Equal(0x1234_5678UL, IommuCore.IovaToPhys(identity, 0x1234_5678));
        Assert.Equal(LinuxError.EINVAL, rig.Core.Map(blocked, 0, 0, K4, Rw));
        Assert.Equal(0UL, rig.Core.Unmap(blocked, 0, K4));
        Assert.Equal(0UL, IommuCore.IovaToPhys(blocked, 0x1234_5678));
    }

    [Fact]
    public void Map_NoPageSizes_WarnsENODEV()
    {
        FakeIommuDriver driver = new(pgsizeBitmap: 0);
        CoreRig rig = CoreRig.Singleton(driver: driver);
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.ENODEV, rig.Core.Map(d, 0, 0, K4, Rw));
        Assert.Equal(0UL, rig.Core.Unmap(d, 0, K4));
        Assert.Equal(2, rig.Core.Diagnostics.Count(IommuWarning.NoPageSizes));
    }

    [Fact]
    public void Map_BeyondWidthOrNoProt_Refused()
    {
        // Scenario 44.
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.ERANGE, rig.Core.Map(d, (1UL << 48) - K4, 0, 2 * K4, Rw));
        Assert.Equal(0, ((FakeDomain)d.Ops).LeafCount);
        Assert.Equal(0UL, IommuCore.IovaToPhys(d, (1UL << 48) - K4));
        Assert.Equal(LinuxError.EINVAL, rig.Core.Map(d, 0, 0, K4, IommuProt.None));
        Assert.Equal(LinuxError.ERANGE, rig.Core.Map(d, ulong.MaxValue - K4 + 1, 0, 2 * K4, Rw));
    }

    [Fact]
    public void Map_FailsMidway_RollsBackEverything()
    {
        // Scenario 45: ENOMEM after 3 of 16 leaves.
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        FakeDomain fake = (FakeDomain)d.Ops;
        fake.FailMapAfterLeaves = 3;
        Assert.Equal(LinuxError.ENOMEM, rig.Core.Map(d, 0x10_0000, 0x50_0000, 16 * K4, Rw));
        Assert.Equal(0, fake.LeafCount);
        for (ulong i = 0; i < 16; i++)
        {
            Assert.Equal(0UL, IommuCore.IovaToPhys(d, 0x10_0000 + (i * K4)));
        }

        Assert.Equal([(0x10_0000UL, 0x10_2FFFUL)], fake.IotlbSyncs);
        Assert.Equal(0, fake.SyncMapCalls);
    }

    [Fact]
    public void Map_OverlapsExisting_EADDRINUSEAndNewPartRolledBack()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x3000, 0x9000, K4, Rw));
        Assert.Equal(LinuxError.EADDRINUSE, rig.Core.Map(d, 0x1000, 0x1000, 4 * K4, Rw));
        Assert.Equal(1, ((FakeDomain)d.Ops).LeafCount);
        Assert.Equal(0x9000UL, IommuCore.IovaToPhys(d, 0x3000));
        Assert.Equal(0UL, IommuCore.IovaToPhys(d, 0x1000));
    }

    [Fact]
    public void Map_SyncMapFails_UnmapsAndReturnsError()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        ((FakeDomain)d.Ops).SyncMapError = LinuxError.EIO;
        Assert.Equal(LinuxError.EIO, rig.Core.Map(d, 0, 0, 4 * K4, Rw));
        Assert.Equal(0, ((FakeDomain)d.Ops).LeafCount);
    }

    [Fact]
    public void Unmap_EmptyUnalignedZero_ReturnZero()
    {
        // Scenario 47.
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(0UL, rig.Core.Unmap(d, 0x10_0000, 0x10_0000));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x1000, 0x1000, K4, Rw));
        Assert.Equal(0UL, rig.Core.Unmap(d, 0x1800, 0x1000));
        Assert.Equal(0UL, rig.Core.Unmap(d, 0x1000, 0));
        Assert.Equal(0x1000UL, IommuCore.IovaToPhys(d, 0x1000));
    }

    [Fact]
    public void Unmap_PartialRanges_ReturnsBytesActuallyUnmapped()
    {
        // "Map and unmap" (unmap): a hole stops the walk; start inside a larger leaf unmaps nothing; end inside a leaf
        // removes all of it.
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x20_0000, 0x20_0000, M2, Rw));
        Assert.Equal(0UL, rig.Core.Unmap(d, 0x20_1000, K4));
        Assert.Equal(M2, rig.Core.Unmap(d, 0x20_0000, K4));
        Assert.Equal(0UL, IommuCore.IovaToPhys(d, 0x20_0000));

        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x1000, 0x1000, 2 * K4, Rw));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x4000, 0x4000, K4, Rw));
        Assert.Equal(2 * K4, rig.Core.Unmap(d, 0x1000, 4 * K4));
        Assert.Equal(0x4000UL, IommuCore.IovaToPhys(d, 0x4000));
    }

    [Fact]
    public void Unmap_SeveralMaps_Aggregates()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x1F_F000, 0x1F_F000, K4, Rw));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x20_0000, 0x20_0000, M2, Rw));
        Assert.Equal(K4 + M2, rig.Core.Unmap(d, 0x1F_F000, K4 + M2));
        Assert.Equal([(0x1F_F000UL, 0x3F_FFFFUL)], ((FakeDomain)d.Ops).IotlbSyncs);
    }

    [Fact]
    public void Map_AllAlignmentsMock2K_RoundTrip()
    {
        // Scenario 50: every start/end in 2K steps inside an 8-page buffer.
        FakeIommuDriver driver = new(pgsizeBitmap: Mock2K);
        CoreRig rig = CoreRig.Singleton(driver: driver);
        IommuDomain d = rig.NewDomain("A");
        const ulong Buffer = 8 * K4;
        const ulong Pa = 0x80_0000;
        const ulong Iova = 0x100_0000;
        for (ulong start = 0; start < Buffer; start += Mock2K)
        {
            for (ulong end = start + Mock2K; end <= Buffer; end += Mock2K)
            {
                Assert.Equal(LinuxError.Success, rig.Core.Map(d, Iova, Pa + start, end - start, Rw));
                for (ulong off = 0; off < end - start; off += Mock2K)
                {
                    Assert.Equal(Pa + start + off, IommuCore.IovaToPhys(d, Iova + off));
                }

                Assert.Equal(end - start, rig.Core.Unmap(d, Iova, end - start));
            }
        }

        Assert.Equal(0, ((FakeDomain)d.Ops).LeafCount);
    }

    [Fact]
    public void Domain_GeometryAndBitmap_ReportDriverValues()
    {
        // Scenario 51: the core reports what the driver sets.
        FakeIommuDriver driver = new(pgsizeBitmap: Mock2K, apertureEnd: 0x7FFF_FFFF);
        CoreRig rig = CoreRig.Singleton(driver: driver);
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(Mock2K, d.PgsizeBitmap);
        Assert.Equal(new IommuGeometry(0, 0x7FFF_FFFF, true), d.Geometry);

        CoreRig vtd = CoreRig.Singleton();
        Assert.Equal(FakeIommuDriver.VtdBitmap, vtd.NewDomain("A").PgsizeBitmap);
        Assert.Equal((1UL << 48) - 1, vtd.NewDomain("A").Geometry.ApertureEnd);
    }

    [Fact]
    public void Map_FreedDomain_Throws()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.DomainFree(d));
        Assert.Throws<ObjectDisposedException>(() => rig.Core.Map(d, 0, 0, K4, Rw));
    }

    [Fact]
    public void Map_OneGigabyteRun_UsesLargestLeaves()
    {
        CoreRig rig = CoreRig.Singleton();
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, G1, 2 * G1, G1 + M2 + K4, Rw));
        Assert.Equal(3, ((FakeDomain)d.Ops).LeafCount);
        Assert.Equal(G1 + M2 + K4, rig.Core.Unmap(d, G1, G1 + M2 + K4));
    }
}
