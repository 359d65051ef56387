using VtdEmu.Faults;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// End to end: what the driver programs is what the hardware model translates. A device whose driver uses the DMA
/// API (the default domain) does DMA through the unit's translation into the mapped guest pages; after a strict
/// unmap, a blocked domain or a read-only mapping the DMA faults with the spec's reason (VT-d spec §7.1.3;
/// spec-notes/faults.md). Each runs in legacy mode and in scalable mode with second-level (qemu-sm) and first-level
/// (qemu-sm-fl, sapphire-rapids) tables.
/// </summary>
public sealed partial class IntelIommuDriverTests
{
    /// <summary>
    /// Legacy, scalable with second-level tables, scalable with first-level tables (4 levels), and the Sapphire Rapids
    /// unit (scalable, first-level, 5 levels).
    /// </summary>
    public static TheoryData<string> Modes => [.. s_modeNames];

    private static readonly string[] s_modeNames = ["qemu", "qemu-sm", "qemu-sm-fl", "sapphire-rapids"];

    /// <summary>A preset or one of <see cref="TestUnits"/>' configurations by name.</summary>
    internal static UnitConfiguration Unit(string name) => UnitConfiguration.FindPreset(name)
        ?? typeof(TestUnits).GetProperties().Select(p => (UnitConfiguration)p.GetValue(null)!).Single(u => u.Name == name);

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

    [Theory]
    [MemberData(nameof(Modes))]
    public void StrictUnmap_DmaToTheIovaFaultsAsNotPresentEntry(string mode)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton());
        IommuDomain d = rig.Domain("A");
        Assert.Equal(LinuxError.Success, rig.Core.Map(d, 0x10_0000, 0x0300_0000, Size4K, ReadWrite));
        Assert.True(rig.Endpoint("A").Write(0x10_0000, new byte[8]).IsCompleted); // cached in the IOTLB now

        Assert.Equal(Size4K, rig.Core.Unmap(d, 0x10_0000, Size4K));

        // Legacy mode reports a not-present second-level entry as the permission fault of the access; scalable mode
        // has a not-present reason per table level (spec-notes/faults.md).
        DmaResult w = rig.Endpoint("A").Write(0x10_0000, new byte[8]);
        DmaResult r = rig.Endpoint("A").Read(0x10_0000, new byte[8]);
        (FaultReason write, FaultReason read) = !rig.Driver.ScalableMode ? (FaultReason.WriteDenied, FaultReason.ReadDenied)
            : rig.Driver.FirstLevelTables ? (FaultReason.FirstLevelEntryNotPresent, FaultReason.FirstLevelEntryNotPresent)
            : (FaultReason.SecondLevelEntryNotPresent, FaultReason.SecondLevelEntryNotPresent);
        Assert.Equal((DmaStatus.Faulted, write), (w.Status, w.Fault));
        Assert.Equal((DmaStatus.Faulted, read), (r.Status, r.Fault));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void ReadOnlyMapping_DeviceWriteFaultsReadSucceeds(string mode)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton());
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x4000, 0x0300_0000, Size4K, IommuProt.Read));

        FaultReason expected = rig.Driver.ScalableMode ? FaultReason.ScalableWriteDenied : FaultReason.WriteDenied;
        Assert.Equal(expected, rig.Endpoint("A").Write(0x4000, new byte[4]).Fault);
        Assert.True(rig.Endpoint("A").Read(0x4000, new byte[4]).IsCompleted);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void BlockedDomain_DmaFaultsEntryNotPresent(string mode)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton());
        Assert.Equal(LinuxError.Success, rig.Core.Map(rig.Domain("A"), 0x4000, 0x0300_0000, Size4K, ReadWrite));

        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Dev("A").Group!, new object()));

        // Legacy: the context entry is cleared; scalable: the context entry stays, the RID_PASID entry is cleared.
        DmaResult w = rig.Endpoint("A").Write(0x4000, new byte[4]);
        FaultReason expected = rig.Driver.ScalableMode ? FaultReason.PasidTableEntryNotPresent : FaultReason.ContextEntryNotPresent;
        Assert.Equal((DmaStatus.Faulted, expected), (w.Status, w.Fault));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void IdentityDomain_DmaIsOneToOne(string mode)
    {
        IntelRig rig = IntelRig.Boot(Unit(mode), IntelRig.Singleton(), IommuDmaPolicy.Passthrough);

        Assert.True(rig.Endpoint("A").Write(0x0123_4560, [1, 2, 3, 4]).IsCompleted);

        byte[] got = new byte[4];
        Assert.True(rig.Memory.TryRead(0x0123_4560, got));
        Assert.Equal([1, 2, 3, 4], got);
    }
}
