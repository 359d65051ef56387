using VtdEmu.Faults;
using VtdEmu.Iommu.Intel;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// End to end with the unit's caches: the driver's invalidations are what close stale windows. Lazy (DMA_FQ) unmap
/// leaves a window until the flush queue drains; a driver that skips one invalidation (the <see cref="RecordingMmio.Drop"/>
/// double) leaves a stale translation the hardware model shows.
/// </summary>
public sealed partial class IntelIommuDriverTests
{
    public static TheoryData<string> InvalidationInterfaces => new() { "qemu", "qemu-noqi" };

    /// <summary>Both invalidation interfaces in legacy mode, plus scalable mode with second- and first-level tables.</summary>
    public static TheoryData<string> StaleUnits => new() { "qemu", "qemu-noqi", "qemu-sm", "qemu-sm-fl", "sapphire-rapids" };

    /// <summary>The fault of a write to an unmapped IOVA: legacy permission fault, else the level's not-present reason.</summary>
    private static FaultReason UnmappedWriteFault(IntelRig rig) => !rig.Driver.ScalableMode ? FaultReason.WriteDenied
        : rig.Driver.FirstLevelTables ? FaultReason.FirstLevelEntryNotPresent : FaultReason.SecondLevelEntryNotPresent;

    [Theory]
    [MemberData(nameof(StaleUnits))]
    public void LazyUnmap_StaleWindowUntilDrainThenFault(string unit)
    {
        IntelRig rig = IntelRig.Boot(Unit(unit), IntelRig.Singleton(), IommuDmaPolicy.Lazy);
        IommuDevice a = rig.Dev("A");
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(a, driverManagedDma: false));
        IommuDomain d = rig.Domain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x0300_0000, Size4K, ReadWrite));
        PciEndpoint dev = rig.Endpoint("A");
        Assert.True(dev.Write(0x10_0000, [1]).IsCompleted); // the IOTLB now holds the translation

        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_0000, Size4K));

        // The page tables no longer map the IOVA, but nothing was invalidated: the device still reaches the page.
        Assert.Null(rig.Walk(a.Bdf, 0x10_0000));
        Assert.True(dev.Write(0x10_0000, [2]).IsCompleted);

        Assert.Equal(1, d.FlushQueue!.Drain());

        DmaResult after = dev.Write(0x10_0000, [3]);
        Assert.Equal((DmaStatus.Faulted, UnmappedWriteFault(rig)), (after.Status, after.Fault));
    }

    [Theory]
    [MemberData(nameof(StaleUnits))]
    public void BrokenDriverSkipsUnmapPsi_StaleTranslationObservable(string unit)
    {
        IntelRig rig = IntelRig.Boot(Unit(unit), IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        PciEndpoint dev = rig.Endpoint("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x0300_0000, 2 * Size4K, ReadWrite));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x20_0000, 0x0400_0000, 2 * Size4K, ReadWrite));
        Assert.True(dev.Write(0x10_0000, [1]).IsCompleted);
        Assert.True(dev.Write(0x20_0000, [1]).IsCompleted);

        // Correct driver: strict unmap invalidates, the next DMA faults.
        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_0000, Size4K));
        Assert.Equal(UnmappedWriteFault(rig), dev.Write(0x10_0000, [2]).Fault);

        // Broken driver: the page-selective IOTLB invalidation (PASID-based for first-level tables) never reaches the
        // unit — the stale entry still translates.
        rig.Mmio.Drop = e => e.StartsWith("iotlb psi", StringComparison.Ordinal) || e.StartsWith("piotlb page", StringComparison.Ordinal);
        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x20_0000, Size4K));
        Assert.Single(rig.Mmio.DroppedInvalidations);
        Assert.Null(rig.Walk(rig.Dev("A").Bdf, 0x20_0000));
        Assert.True(dev.Write(0x20_0000, [2]).IsCompleted);
    }

    [Fact]
    public void CachingModeMapWithoutPsi_CachedNotPresentKeepsFaulting()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.QemuCachingMode, IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        PciEndpoint dev = rig.Endpoint("A");

        // CM = 1: the unit may cache the not-present result of this DMA.
        Assert.Equal(FaultReason.WriteDenied, dev.Write(0x10_0000, [1]).Fault);

        // Correct driver: the map's PSI drops the cached not-present entry.
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x0300_0000, Size4K, ReadWrite));
        Assert.True(dev.Write(0x10_0000, [2]).IsCompleted);
        Assert.Equal(FaultReason.WriteDenied, dev.Write(0x20_0000, [1]).Fault);

        // Broken driver without the caching-mode flush: the new mapping stays invisible.
        rig.Mmio.Drop = e => e.StartsWith("iotlb psi", StringComparison.Ordinal);
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x20_0000, 0x0400_0000, Size4K, ReadWrite));
        Assert.NotNull(rig.Walk(rig.Dev("A").Bdf, 0x20_0000));
        Assert.Equal(FaultReason.WriteDenied, dev.Write(0x20_0000, [2]).Fault);
    }

    [Fact]
    public void QueueError_RejectedDescriptorReplacedErrorClearedAndQueueKeepsWorking()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x0300_0000, 2 * Size4K, ReadWrite));
        rig.Mmio.CorruptNextDescriptor = true;

        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_0000, Size4K));

        Assert.Equal(1, rig.Driver.Count(IntelDriverDiagnostic.QueueError));
        Assert.Equal(0U, (uint)rig.Platform.Unit.Read(0x34, 4) & 0x10); // FSTS.IQE cleared by the driver

        // Later submissions complete normally.
        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_1000, Size4K));
        Assert.Single(rig.Driver.Diagnostics);
    }

    [Theory]
    [MemberData(nameof(InvalidationInterfaces))]
    public void BrokenDriverSkipsContextFlushOnBlock_CachedContextKeepsTranslating(string unit)
    {
        IntelRig rig = IntelRig.Boot(unit == "qemu" ? UnitConfiguration.Qemu : TestUnits.QemuRegisterInvalidation, IntelRig.Singleton());
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x4000, 0x0300_0000, Size4K, ReadWrite));
        PciEndpoint dev = rig.Endpoint("A");
        Assert.True(dev.Write(0x4000, [1]).IsCompleted); // context entry and translation cached

        // Blocking clears the context entry; without the device-selective context-cache invalidation the unit keeps
        // using its cached copy (the IOTLB DSI alone does not drop context-cache entries).
        rig.Mmio.Drop = e => e.StartsWith("cc device", StringComparison.Ordinal);
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));

        Assert.Null(rig.Context(rig.Dev("A").Bdf));
        Assert.Single(rig.Mmio.DroppedInvalidations);
        Assert.True(dev.Write(0x4000, [2]).IsCompleted);

        // The same block done right (release, claim again with every invalidation) faults at the context entry.
        rig.Mmio.Drop = null;
        rig.Core.GroupReleaseDmaOwner(rig.Dev("A").Group!);
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));
        Assert.Equal(FaultReason.ContextEntryNotPresent, dev.Write(0x4000, [3]).Fault);
    }

    [Theory]
    [InlineData("qemu-sm")]
    [InlineData("qemu-sm-fl")]
    public void BrokenDriverSkipsPasidCacheFlushOnBlock_CachedPasidEntryKeepsTranslating(string unit)
    {
        IntelRig rig = IntelRig.Boot(Unit(unit), IntelRig.Singleton());
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x4000, 0x0300_0000, Size4K, ReadWrite));
        PciEndpoint dev = rig.Endpoint("A");
        Assert.True(dev.Write(0x4000, [1]).IsCompleted); // context, PASID entry and translation cached

        // Blocking clears the RID_PASID entry; without the PASID-cache invalidation the unit keeps its cached copy of
        // the entry and walks the (still intact) tables again after the IOTLB flush.
        rig.Mmio.Drop = e => e.StartsWith("pc pasid", StringComparison.Ordinal);
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));

        Assert.Null(rig.Context(rig.Dev("A").Bdf));
        Assert.Single(rig.Mmio.DroppedInvalidations);
        Assert.True(dev.Write(0x4000, [2]).IsCompleted);

        rig.Mmio.Drop = null;
        rig.Core.GroupReleaseDmaOwner(rig.Dev("A").Group!);
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));
        Assert.Equal(FaultReason.PasidTableEntryNotPresent, dev.Write(0x4000, [3]).Fault);
    }
}
