using System.Collections.Immutable;

namespace VtdEmu.Registers;

/// <summary>
/// The fields of CAP_REG, the Capability Register (VT-d spec §11.4.2): one row per field, in bit order, the one table the
/// builder, the scenario overrides and the CLI decoder use. <see cref="CapabilityRegister"/>'s accessors spell the same
/// bit numbers out (spec style) and a test checks them against this table bit by bit; bits no field covers are
/// reserved.
/// </summary>
public static class CapabilityFields
{
    private const string Section = "§11.4.2";

    /// <summary>ND, 2:0, Number of Domains supported (encoded).</summary>
    public static readonly RegisterField ND = new("ND", 2, 0, "number of domains supported", Section);

    /// <summary>AFL, 3, Advanced Fault Logging.</summary>
    public static readonly RegisterField AFL = new("AFL", 3, 3, "advanced fault logging", Section);

    /// <summary>RWBF, 4, Required Write-Buffer Flushing.</summary>
    public static readonly RegisterField RWBF = new("RWBF", 4, 4, "required write-buffer flushing", Section);

    /// <summary>PLMR, 5, Protected Low-Memory Region.</summary>
    public static readonly RegisterField PLMR = new("PLMR", 5, 5, "protected low-memory region", Section);

    /// <summary>PHMR, 6, Protected High-Memory Region.</summary>
    public static readonly RegisterField PHMR = new("PHMR", 6, 6, "protected high-memory region", Section);

    /// <summary>CM, 7, Caching Mode.</summary>
    public static readonly RegisterField CM = new("CM", 7, 7, "caching mode (not-present and erroneous entries may be cached)", Section);

    /// <summary>SAGAW, 12:8, Supported Adjusted Guest Address Widths (bit i = AW encoding i).</summary>
    public static readonly RegisterField SAGAW = new("SAGAW", 12, 8, "supported adjusted guest address widths", Section);

    /// <summary>MGAW, 21:16, Maximum Guest Address Width, encoded as width − 1.</summary>
    public static readonly RegisterField MGAW = new("MGAW", 21, 16, "maximum guest address width, encoded as width - 1", Section);

    /// <summary>ZLR, 22, Zero Length Read.</summary>
    public static readonly RegisterField ZLR = new("ZLR", 22, 22, "zero-length reads to write-only pages", Section);

    /// <summary>FRO, 33:24, Fault-recording Register Offset, in 16-byte units.</summary>
    public static readonly RegisterField FRO = new("FRO", 33, 24, "fault-recording register offset, in 16-byte units", Section);

    /// <summary>SLLPS, 37:34, Second Level Large Page Support (bit 0 = 2 MiB, bit 1 = 1 GiB).</summary>
    public static readonly RegisterField SLLPS = new("SLLPS", 37, 34, "second-level large page support", Section);

    /// <summary>PSI, 39, Page Selective Invalidation.</summary>
    public static readonly RegisterField PSI = new("PSI", 39, 39, "page-selective invalidation", Section);

    /// <summary>NFR, 47:40, Number of Fault-recording Registers, encoded as count − 1.</summary>
    public static readonly RegisterField NFR = new("NFR", 47, 40, "number of fault-recording registers, encoded as count - 1", Section);

    /// <summary>MAMV, 53:48, Maximum Address Mask Value.</summary>
    public static readonly RegisterField MAMV = new("MAMV", 53, 48, "maximum address mask value", Section);

    /// <summary>DWD, 54, Write Draining.</summary>
    public static readonly RegisterField DWD = new("DWD", 54, 54, "write draining", Section);

    /// <summary>DRD, 55, Read Draining.</summary>
    public static readonly RegisterField DRD = new("DRD", 55, 55, "read draining", Section);

    /// <summary>FL1GP, 56, First Level 1-GByte Page support.</summary>
    public static readonly RegisterField FL1GP = new("FL1GP", 56, 56, "first-level 1-GiB pages", Section);

    /// <summary>PI, 59, Posted Interrupts support.</summary>
    public static readonly RegisterField PI = new("PI", 59, 59, "posted interrupts", Section);

    /// <summary>FL5LP, 60, First Level 5-level Paging support.</summary>
    public static readonly RegisterField FL5LP = new("FL5LP", 60, 60, "first-level 5-level paging", Section);

    /// <summary>ECMDS, 61, Enhanced Command Support.</summary>
    public static readonly RegisterField ECMDS = new("ECMDS", 61, 61, "enhanced command support", Section);

    /// <summary>ESIRTPS, 62, Enhanced Set Interrupt Remap Table Pointer Support.</summary>
    public static readonly RegisterField ESIRTPS = new("ESIRTPS", 62, 62, "SIRTP also invalidates the interrupt-entry cache", Section);

    /// <summary>ESRTPS, 63, Enhanced Set Root Table Pointer Support.</summary>
    public static readonly RegisterField ESRTPS = new("ESRTPS", 63, 63, "SRTP also invalidates all DMA-remapping caches", Section);

    /// <summary>Every field, lowest bit first.</summary>
    public static ImmutableArray<RegisterField> All { get; } =
    [
        ND, AFL, RWBF, PLMR, PHMR, CM, SAGAW, MGAW, ZLR, FRO, SLLPS, PSI, NFR, MAMV, DWD, DRD, FL1GP, PI, FL5LP,
        ECMDS, ESIRTPS, ESRTPS,
    ];

    /// <summary>The bits no field covers: reserved in the spec revisions modelled.</summary>
    public static ulong ReservedMask { get; } = RegisterField.Reserved(All);
}
