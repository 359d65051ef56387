using System.Diagnostics.CodeAnalysis;

namespace VtdEmu.Registers;

/// <summary>
/// What one remapping unit is: VER, CAP and ECAP (built from named fields), the host address width
/// and the one primary-fault-logging choice the spec leaves open. Named presets model QEMU and real
/// Intel parts; their sources are in spec-notes/registers.md.
/// </summary>
/// <param name="Name">Preset name (qemu, qemu-sm, qemu-sm-fl, qemu-sm-prs, broadwell, sapphire-rapids).</param>
/// <param name="Version">VER_REG: major in 7:4, minor in 3:0.</param>
/// <param name="Capability">CAP_REG.</param>
/// <param name="ExtendedCapability">ECAP_REG.</param>
/// <param name="HostAddressWidth">HAW in bits: address bits at or above it are not implemented in RTADDR, IQA, IRTA, ….</param>
/// <param name="CompressSameSourceFaults">
/// Drop a primary fault when a pending FRCD already holds one from the same source-id (the spec's
/// optional compression, spec-notes/fault-recording.md §1 step 2; QEMU does it).
/// </param>
public sealed record UnitConfiguration(
    string Name,
    byte Version,
    CapabilityRegister Capability,
    ExtendedCapabilityRegister ExtendedCapability,
    int HostAddressWidth,
    bool CompressSameSourceFaults)
{
    /// <summary>QEMU 7.2 q35 intel-iommu defaults: CAP 0x00d2008c22260206, ECAP 0x0000000000f00f4a, VER 0x10, aw-bits 39.</summary>
    public static UnitConfiguration Qemu { get; } = new(
        "qemu",
        0x10,
        QemuCapability(),
        QemuExtendedCapability(scalable: false),
        HostAddressWidth: 39,
        CompressSameSourceFaults: true);

    /// <summary>QEMU 7.2 with x-scalable-mode=on: same CAP, ECAP 0x0000480080f00f4a (adds SRS, SMTS, SLTS).</summary>
    public static UnitConfiguration QemuScalable { get; } = new(
        "qemu-sm",
        0x10,
        QemuCapability(),
        QemuExtendedCapability(scalable: true),
        HostAddressWidth: 39,
        CompressSameSourceFaults: true);

    /// <summary>
    /// QEMU's scalable mode with its first-stage option (<c>x-scalable-mode=on,x-flts=on,aw-bits=48</c>, QEMU ≥ 9.2):
    /// ECAP adds FLTS instead of SLTS, CAP adds FS1GP (FL1GP) and the 48-bit widths (SAGAW 39+48, MGAW 48).
    /// </summary>
    public static UnitConfiguration QemuScalableFirstLevel { get; } = new(
        "qemu-sm-fl",
        0x10,
        new CapabilityBuilder
        {
            ND = 6, SAGAW = 0b00110, MGAW = 47, FRO = 0x22, SLLPS = 0b0011, PSI = true, NFR = 0, MAMV = 18,
            DWD = true, DRD = true, FL1GP = true,
        }.Build(),
        new ExtendedCapabilityBuilder
        {
            QI = true, IR = true, PT = true, IRO = 0x0F, MHMV = 15, SRS = true, SMTS = true, FLTS = true,
        }.Build(),
        HostAddressWidth: 48,
        CompressSameSourceFaults: true);

    /// <summary>
    /// A model preset, not a recorded part: <see cref="QemuScalableFirstLevel"/> plus ECAP.DT (device-TLBs,
    /// ATS) and ECAP.PRS (page requests), the unit the page request queue is exercised on
    /// (spec-notes/page-requests.md §5).
    /// </summary>
    public static UnitConfiguration QemuScalablePageRequests { get; } = QemuScalableFirstLevel with
    {
        Name = "qemu-sm-prs",
        ExtendedCapability = new ExtendedCapabilityBuilder
        {
            QI = true, DT = true, IR = true, PT = true, IRO = 0x0F, MHMV = 15, PRS = true, SRS = true, SMTS = true, FLTS = true,
        }.Build(),
    };

    /// <summary>Xeon E5-2630 v4 (Broadwell-EP) as Linux reports it: CAP 0x08d2078c106f0466, ECAP 0x0000000000f020df, VER 1:0, HAW 46.</summary>
    public static UnitConfiguration Broadwell { get; } = new(
        "broadwell",
        0x10,
        new CapabilityBuilder
        {
            ND = 6, PLMR = true, PHMR = true, SAGAW = 0b00100, MGAW = 47, ZLR = true, FRO = 0x10,
            SLLPS = 0b0011, PSI = true, NFR = 7, MAMV = 18, DWD = true, DRD = true, PI = true,
        }.Build(),
        new ExtendedCapabilityBuilder
        {
            C = true, QI = true, DT = true, IR = true, EIM = true, PT = true, SC = true, IRO = 0x20, MHMV = 15,
        }.Build(),
        HostAddressWidth: 46,
        CompressSameSourceFaults: false);

    /// <summary>
    /// 4th-generation Xeon Scalable (Sapphire Rapids, Intel M50FCP board) as Linux reports it:
    /// VER 6:0, CAP 0x19ed008c40780c66, ECAP 0x0003ee9e86f050df, HAW 52 (the DMAR table's value).
    /// Scalable mode, 4- and 5-level second-stage tables, 5-level first-stage, 2 MiB + 1 GiB pages,
    /// PSI with MAMV 45, and one fault recording register (NFR = 0) at 0x400.
    /// </summary>
    public static UnitConfiguration SapphireRapids { get; } = new(
        "sapphire-rapids",
        0x60,
        new CapabilityBuilder
        {
            ND = 6, PLMR = true, PHMR = true, SAGAW = 0b01100, MGAW = 56, ZLR = true, FRO = 0x40,
            SLLPS = 0b0011, PSI = true, NFR = 0, MAMV = 45, DWD = true, DRD = true, FL1GP = true, PI = true,
            FL5LP = true,
        }.Build(),
        new ExtendedCapabilityBuilder
        {
            C = true, QI = true, DT = true, IR = true, EIM = true, PT = true, SC = true, IRO = 0x50, MHMV = 15,
            MTS = true, NEST = true, SRS = true, NWFS = true, EAFS = true, PSS = 19, DIT = true, PDS = true,
            SMTS = true, SLADS = true, SLTS = true, FLTS = true, SMPWCS = true, RPS = true,
        }.Build(),
        HostAddressWidth: 52,
        CompressSameSourceFaults: false);

    /// <summary>Smallest host address width <see cref="TryFromRegisters"/> accepts.</summary>
    public const int MinHostAddressWidth = 32;

    /// <summary>Largest host address width VT-d defines (and <see cref="Memory.GuestMemory"/> models).</summary>
    public const int MaxHostAddressWidth = 52;

    /// <summary>
    /// A unit described by raw register values, as read from real hardware or a register dump: VER, CAP
    /// and ECAP exactly as given (caching mode, CAP.CM bit 7, included: the unit's caches then keep
    /// not-present and erroneous entries, spec-notes/caching.md). HAW is not a register (the DMAR table
    /// carries it); without <paramref name="hostAddressWidth"/> the MGAW width (CAP.MGAW + 1) is taken,
    /// which is what QEMU reports in its DMAR table. False, with the reason in <paramref name="error"/>,
    /// when the values cannot describe a register block: CAP.FRO / ECAP.IRO placing the fault recording
    /// or IOTLB registers over other registers, or a HAW outside 32..52.
    /// </summary>
    /// <param name="capability">CAP_REG.</param>
    /// <param name="extendedCapability">ECAP_REG.</param>
    /// <param name="version">VER_REG (major 7:4, minor 3:0).</param>
    /// <param name="hostAddressWidth">HAW in bits, or null for CAP.MGAW + 1.</param>
    /// <param name="compressSameSourceFaults">See <see cref="CompressSameSourceFaults"/>.</param>
    /// <param name="name">A name for reports.</param>
    /// <param name="configuration">The configuration, when the values are usable.</param>
    /// <param name="error">Why they are not; empty otherwise.</param>
    public static bool TryFromRegisters(
        ulong capability,
        ulong extendedCapability,
        byte version,
        int? hostAddressWidth,
        bool compressSameSourceFaults,
        string name,
        [NotNullWhen(true)] out UnitConfiguration? configuration,
        out string error)
    {
        ArgumentNullException.ThrowIfNull(name);
        configuration = null;
        var cap = new CapabilityRegister(capability);
        int haw = hostAddressWidth ?? Math.Clamp(cap.MGAW + 1, MinHostAddressWidth, MaxHostAddressWidth);
        if (haw is < MinHostAddressWidth or > MaxHostAddressWidth)
        {
            error = $"host address width {haw} is outside {MinHostAddressWidth}..{MaxHostAddressWidth}";
            return false;
        }

        var candidate = new UnitConfiguration(name, version, cap, new ExtendedCapabilityRegister(extendedCapability), haw, compressSameSourceFaults);
        if (RegisterLayout.Check(candidate) is { } problem)
        {
            error = $"CAP 0x{capability:x16} / ECAP 0x{extendedCapability:x16}: {problem}";
            return false;
        }

        configuration = candidate;
        error = string.Empty;
        return true;
    }

    /// <summary>Every named preset.</summary>
    public static IReadOnlyList<UnitConfiguration> Presets { get; } = [Qemu, QemuScalable, QemuScalableFirstLevel, QemuScalablePageRequests, Broadwell, SapphireRapids];

    /// <summary>The preset called <paramref name="name"/>, or null.</summary>
    public static UnitConfiguration? FindPreset(string name)
    {
        foreach (UnitConfiguration preset in Presets)
        {
            if (string.Equals(preset.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return preset;
            }
        }

        return null;
    }

    private static CapabilityRegister QemuCapability() => new CapabilityBuilder
    {
        ND = 6, SAGAW = 0b00010, MGAW = 38, FRO = 0x22, SLLPS = 0b0011, PSI = true, NFR = 0, MAMV = 18,
        DWD = true, DRD = true,
    }.Build();

    private static ExtendedCapabilityRegister QemuExtendedCapability(bool scalable) => new ExtendedCapabilityBuilder
    {
        QI = true, IR = true, PT = true, IRO = 0x0F, MHMV = 15, SRS = scalable, SMTS = scalable, SLTS = scalable,
    }.Build();
}
