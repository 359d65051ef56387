using System.Collections.Immutable;

namespace VtdEmu.Registers;

/// <summary>
/// The fields of ECAP_REG, the Extended Capability Register (VT-d spec §11.4.3): one row per field, in bit order, the one table the
/// builder, the scenario overrides and the CLI decoder use. <see cref="ExtendedCapabilityRegister"/>'s accessors spell the same
/// bit numbers out (spec style) and a test checks them against this table bit by bit; bits no field covers are
/// reserved.
/// </summary>
public static class ExtendedCapabilityFields
{
    private const string Section = "§11.4.3";

    /// <summary>C, 0, Page-walk Coherency.</summary>
    public static readonly RegisterField C = new("C", 0, 0, "page-walk coherency", Section);

    /// <summary>QI, 1, Queued Invalidation support.</summary>
    public static readonly RegisterField QI = new("QI", 1, 1, "queued invalidation", Section);

    /// <summary>DT, 2, Device-TLB support.</summary>
    public static readonly RegisterField DT = new("DT", 2, 2, "device-TLB", Section);

    /// <summary>IR, 3, Interrupt Remapping support.</summary>
    public static readonly RegisterField IR = new("IR", 3, 3, "interrupt remapping", Section);

    /// <summary>EIM, 4, Extended Interrupt Mode.</summary>
    public static readonly RegisterField EIM = new("EIM", 4, 4, "extended interrupt mode (x2APIC)", Section);

    /// <summary>PT, 6, Pass Through.</summary>
    public static readonly RegisterField PT = new("PT", 6, 6, "pass-through", Section);

    /// <summary>SC, 7, Snoop Control.</summary>
    public static readonly RegisterField SC = new("SC", 7, 7, "snoop control", Section);

    /// <summary>IRO, 17:8, IOTLB Register Offset, in 16-byte units.</summary>
    public static readonly RegisterField IRO = new("IRO", 17, 8, "IOTLB register offset, in 16-byte units", Section);

    /// <summary>MHMV, 23:20, Maximum Handle Mask Value.</summary>
    public static readonly RegisterField MHMV = new("MHMV", 23, 20, "maximum handle mask value", Section);

    /// <summary>MTS, 25, Memory Type Support.</summary>
    public static readonly RegisterField MTS = new("MTS", 25, 25, "memory type support", Section);

    /// <summary>NEST, 26, Nested Translation Support.</summary>
    public static readonly RegisterField NEST = new("NEST", 26, 26, "nested translation", Section);

    /// <summary>PRS, 29, Page Request Support.</summary>
    public static readonly RegisterField PRS = new("PRS", 29, 29, "page requests", Section);

    /// <summary>ERS, 30, Execute Request Support.</summary>
    public static readonly RegisterField ERS = new("ERS", 30, 30, "execute requests", Section);

    /// <summary>SRS, 31, Supervisor Request Support.</summary>
    public static readonly RegisterField SRS = new("SRS", 31, 31, "supervisor requests", Section);

    /// <summary>NWFS, 33, No Write Flag Support.</summary>
    public static readonly RegisterField NWFS = new("NWFS", 33, 33, "no-write flag", Section);

    /// <summary>EAFS, 34, Extended Accessed Flag Support.</summary>
    public static readonly RegisterField EAFS = new("EAFS", 34, 34, "extended-accessed flag", Section);

    /// <summary>PSS, 39:35, PASID Size Supported, encoded as width − 1.</summary>
    public static readonly RegisterField PSS = new("PSS", 39, 35, "PASID size supported, encoded as width - 1", Section);

    /// <summary>PASID, 40, Process Address Space ID support.</summary>
    public static readonly RegisterField PASID = new("PASID", 40, 40, "process address space IDs", Section);

    /// <summary>DIT, 41, Device-TLB Invalidation Throttle.</summary>
    public static readonly RegisterField DIT = new("DIT", 41, 41, "device-TLB invalidation throttle", Section);

    /// <summary>PDS, 42, Page-request Drain Support.</summary>
    public static readonly RegisterField PDS = new("PDS", 42, 42, "page-request drain", Section);

    /// <summary>SMTS, 43, Scalable Mode Translation Support.</summary>
    public static readonly RegisterField SMTS = new("SMTS", 43, 43, "scalable-mode translation", Section);

    /// <summary>VCS, 44, Virtual Command Support (deprecated).</summary>
    public static readonly RegisterField VCS = new("VCS", 44, 44, "virtual command (deprecated)", Section);

    /// <summary>SLADS, 45, Second-Level Accessed/Dirty Support.</summary>
    public static readonly RegisterField SLADS = new("SLADS", 45, 45, "second-level accessed/dirty", Section);

    /// <summary>SLTS, 46, Second-Level Translation Support (scalable mode, PGTT=010b).</summary>
    public static readonly RegisterField SLTS = new("SLTS", 46, 46, "second-level translation in scalable mode", Section);

    /// <summary>FLTS, 47, First-Level Translation Support (scalable mode, PGTT=001b).</summary>
    public static readonly RegisterField FLTS = new("FLTS", 47, 47, "first-level translation in scalable mode", Section);

    /// <summary>SMPWCS, 48, Scalable-Mode Page-Walk Coherency Support.</summary>
    public static readonly RegisterField SMPWCS = new("SMPWCS", 48, 48, "scalable-mode page-walk coherency", Section);

    /// <summary>RPS, 49, RID_PASID Support.</summary>
    public static readonly RegisterField RPS = new("RPS", 49, 49, "RID_PASID field", Section);

    /// <summary>PMS, 51, Performance Monitoring Support.</summary>
    public static readonly RegisterField PMS = new("PMS", 51, 51, "performance monitoring", Section);

    /// <summary>ADMS, 52, Abort DMA Mode Support.</summary>
    public static readonly RegisterField ADMS = new("ADMS", 52, 52, "abort-DMA mode", Section);

    /// <summary>RPRIVS, 53, RID_PRIV Support.</summary>
    public static readonly RegisterField RPRIVS = new("RPRIVS", 53, 53, "RID_PRIV field", Section);

    /// <summary>Every field, lowest bit first.</summary>
    public static ImmutableArray<RegisterField> All { get; } =
    [
        C, QI, DT, IR, EIM, PT, SC, IRO, MHMV, MTS, NEST, PRS, ERS, SRS, NWFS, EAFS, PSS, PASID, DIT, PDS, SMTS, VCS,
        SLADS, SLTS, FLTS, SMPWCS, RPS, PMS, ADMS, RPRIVS,
    ];

    /// <summary>The bits no field covers: reserved in the spec revisions modelled.</summary>
    public static ulong ReservedMask { get; } = RegisterField.Reserved(All);
}
