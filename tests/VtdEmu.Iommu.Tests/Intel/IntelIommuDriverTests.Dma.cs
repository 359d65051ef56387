using VtdEmu.Faults;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// End to end: what the driver programs is what the hardware model translates. A device whose driver uses the DMA
/// API (the default domain) does DMA through the unit's translation into the mapped guest pages; after a strict
/// unmap, a blocked domain or a read-only mapping the DMA faults with the spec's reason (spec-facts tables.md §1, §3).
/// </summary>
public sealed partial class IntelIommuDriverTests
{
    [Theory]
    [MemberData(nameof(Presets))]
    public void DmaApi_DeviceWrite_LandsInTheMappedGuestPages(string preset)
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.FindPreset(preset)!, IntelRig.Singleton());
        IommuDevice a = rig.Dev("A");
        Assert.Equal(LinuxError.Success, rig.Core.BindDriver(a, driverManagedDma: false));
        IommuDomain d = rig.Domain("A");

        // Two IOVA pages onto two physical pages that are not adjacent in the same order.
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x0300_5000, Size4K, ReadWrite));
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_1000, 0x0300_1000, Size4K, ReadWrite));
        byte[] data = [.. Enumerable.Range(0, 0x1000).Select(i => unchecked((byte)(i * 7)))];

        DmaResult w = rig.Endpoint("A").Write(0x10_0800, data);

        Assert.True(w.IsCompleted, w.ToString());
        byte[] first = new byte[0x800];
        byte[] second = new byte[0x800];
        Assert.True(rig.Memory.TryRead(0x0300_5800, first));
        Assert.True(rig.Memory.TryRead(0x0300_1000, second));
        Assert.Equal(data[..0x800], first);
        Assert.Equal(data[0x800..], second);
        byte[] back = new byte[0x1000];
        Assert.True(rig.Endpoint("A").Read(0x10_0800, back).IsCompleted);
        Assert.Equal(data, back);
    }

    [Fact]
    public void StrictUnmap_DmaToTheIovaFaultsAsNotPresentSecondLevelEntry()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x0300_0000, Size4K, ReadWrite));
        Assert.True(rig.Endpoint("A").Write(0x10_0000, new byte[8]).IsCompleted); // cached in the IOTLB now

        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_0000, Size4K));

        // Legacy mode reports a not-present second-level entry as the permission fault of the access.
        DmaResult w = rig.Endpoint("A").Write(0x10_0000, new byte[8]);
        DmaResult r = rig.Endpoint("A").Read(0x10_0000, new byte[8]);
        Assert.Equal((DmaStatus.Faulted, FaultReason.WriteDenied), (w.Status, w.Fault));
        Assert.Equal((DmaStatus.Faulted, FaultReason.ReadDenied), (r.Status, r.Fault));
    }

    [Fact]
    public void ReadOnlyMapping_DeviceWriteFaultsReadSucceeds()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Broadwell, IntelRig.Singleton());
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x4000, 0x0300_0000, Size4K, IommuProt.Read));

        Assert.Equal(FaultReason.WriteDenied, rig.Endpoint("A").Write(0x4000, new byte[4]).Fault);
        Assert.True(rig.Endpoint("A").Read(0x4000, new byte[4]).IsCompleted);
    }

    [Fact]
    public void BlockedDomain_DmaFaultsContextEntryNotPresent()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton());
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x4000, 0x0300_0000, Size4K, ReadWrite));

        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));

        DmaResult w = rig.Endpoint("A").Write(0x4000, new byte[4]);
        Assert.Equal((DmaStatus.Faulted, FaultReason.ContextEntryNotPresent), (w.Status, w.Fault));
    }

    [Fact]
    public void IdentityDomain_DmaIsOneToOne()
    {
        IntelRig rig = IntelRig.Boot(UnitConfiguration.Qemu, IntelRig.Singleton(), IommuDmaPolicy.Passthrough);

        Assert.True(rig.Endpoint("A").Write(0x0123_4560, [1, 2, 3, 4]).IsCompleted);

        byte[] got = new byte[4];
        Assert.True(rig.Memory.TryRead(0x0123_4560, got));
        Assert.Equal([1, 2, 3, 4], got);
    }
}
