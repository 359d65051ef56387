using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>Unit configurations beyond the presets: QEMU's CAP/ECAP with one knob changed.</summary>
internal static class TestUnits
{
    /// <summary>QEMU with caching-mode=on (CAP.CM = 1).</summary>
    public static UnitConfiguration QemuCachingMode { get; } = UnitConfiguration.Qemu with { Name = "qemu-cm", Capability = QemuCap(cm: true) };

    /// <summary>QEMU scalable mode (second-level tables through PASID entries) with caching-mode=on.</summary>
    public static UnitConfiguration QemuScalableCachingMode { get; } = UnitConfiguration.QemuScalable with { Name = "qemu-sm-cm", Capability = QemuCap(cm: true) };

    /// <summary>QEMU scalable mode with first-level tables and caching-mode=on.</summary>
    public static UnitConfiguration QemuScalableFirstLevelCachingMode { get; } = UnitConfiguration.QemuScalableFirstLevel with
    {
        Name = "qemu-sm-fl-cm",
        Capability = new CapabilityRegister(UnitConfiguration.QemuScalableFirstLevel.Capability.Value | (1UL << 7)),
    };

    /// <summary>Sapphire Rapids with ECAP.PASID = 1 (the recorded part reports 0): set_dev_pasid is offered.</summary>
    public static UnitConfiguration SapphireRapidsPasid { get; } = UnitConfiguration.SapphireRapids with
    {
        Name = "sapphire-rapids-pasid",
        ExtendedCapability = new ExtendedCapabilityRegister(UnitConfiguration.SapphireRapids.ExtendedCapability.Value | (1UL << 40)),
    };

    /// <summary>QEMU scalable mode with ECAP.PASID = 1 and PSS = 19 (QEMU's x-pasid-mode): set_dev_pasid on second-level tables.</summary>
    public static UnitConfiguration QemuScalablePasid { get; } = UnitConfiguration.QemuScalable with
    {
        Name = "qemu-sm-pasid",
        ExtendedCapability = new ExtendedCapabilityRegister(UnitConfiguration.QemuScalable.ExtendedCapability.Value | (1UL << 40) | (19UL << 35)),
    };

    /// <summary>QEMU with CAP.RWBF = 1 (write-buffer flushing required).</summary>
    public static UnitConfiguration QemuRwbf { get; } = UnitConfiguration.Qemu with { Name = "qemu-rwbf", Capability = QemuCap(rwbf: true) };

    /// <summary>QEMU without queued invalidation (register-based CCMD / IOTLB_REG).</summary>
    public static UnitConfiguration QemuRegisterInvalidation { get; } = UnitConfiguration.Qemu with { Name = "qemu-noqi", ExtendedCapability = QemuEcap(qi: false) };

    /// <summary>QEMU without queued invalidation and with caching mode.</summary>
    public static UnitConfiguration QemuRegisterCachingMode { get; } = UnitConfiguration.Qemu with { Name = "qemu-noqi-cm", Capability = QemuCap(cm: true), ExtendedCapability = QemuEcap(qi: false) };

    /// <summary>QEMU with ND = 0: 16 domain IDs, 14 of them allocatable.</summary>
    public static UnitConfiguration QemuFewDomains { get; } = UnitConfiguration.Qemu with { Name = "qemu-nd0", Capability = QemuCap(nd: 0) };

    /// <summary>QEMU with SLLPS = 0 (no superpages).</summary>
    public static UnitConfiguration QemuNoSuperpages { get; } = UnitConfiguration.Qemu with { Name = "qemu-4k", Capability = QemuCap(sllps: 0) };

    /// <summary>QEMU with ECAP.PT = 0.</summary>
    public static UnitConfiguration QemuNoPassThrough { get; } = UnitConfiguration.Qemu with { Name = "qemu-nopt", ExtendedCapability = QemuEcap(qi: true, pt: false) };

    /// <summary>Broadwell (ECAP.DT = 1) without queued invalidation.</summary>
    public static UnitConfiguration BroadwellRegisterInvalidation { get; } = UnitConfiguration.Broadwell with
    {
        Name = "broadwell-noqi",
        ExtendedCapability = new ExtendedCapabilityBuilder { C = true, DT = true, IR = true, EIM = true, PT = true, SC = true, IRO = 0x20, MHMV = 15 }.Build(),
    };

    private static CapabilityRegister QemuCap(bool cm = false, bool rwbf = false, int nd = 6, int sllps = 3) => new CapabilityBuilder
    {
        ND = nd,
        CM = cm,
        RWBF = rwbf,
        SAGAW = 0b00010,
        MGAW = 38,
        FRO = 0x22,
        SLLPS = sllps,
        PSI = true,
        NFR = 0,
        MAMV = 18,
        DWD = true,
        DRD = true,
    }.Build();

    private static ExtendedCapabilityRegister QemuEcap(bool qi, bool pt = true) => new ExtendedCapabilityBuilder
    {
        QI = qi,
        IR = true,
        PT = pt,
        IRO = 0x0F,
        MHMV = 15,
    }.Build();
}
