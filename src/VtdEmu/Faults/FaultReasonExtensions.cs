namespace VtdEmu.Faults;

/// <summary>
/// Per-reason facts from the spec's fault-condition table (VT-d spec §7.1.3, Table 26 in rev 4.x):
/// whether FPD can suppress the fault, and the spec's condition code. See spec-notes/faults.md.
/// </summary>
public static class FaultReasonExtensions
{
    /// <summary>
    /// True for a qualified fault: one that is not recorded when an entry met during the request
    /// (context, PASID-directory or PASID-table entry) has FPD=1 (§7.1.1). Root-level, TTM and
    /// entry-read faults above the paging tables are never qualified.
    /// </summary>
    public static bool IsQualified(this FaultReason reason) => (byte)reason switch
    {
        >= 0x02 and <= 0x07 => true, // LCT.2, LCT.4, LGN.1-3, LSL.1
        >= 0x0B and <= 0x0E => true, // LCT.3, LSL.2, LCT.5, LGN.4
        0x22 or 0x24 or 0x26 or 0x27 or 0x28 => true, // IRTE / posted-descriptor faults (IRTE.FPD)
        >= 0x41 and <= 0x48 => true, // SCT.2-SCT.9
        0x51 or 0x52 => true, // SPD.2-3
        >= 0x59 and <= 0x5D => true, // SPT.2-6
        >= 0x70 and <= 0x7C => true, // SFL.1-8, SSL.1-5
        >= 0x80 and <= 0x87 => true, // SGN.1-8
        0x90 or 0x91 => true, // SFL.9-10
        _ => false,
    };

    /// <summary>The spec's condition code (rev 3.x naming, e.g. "LCT.2", "SSL.4"), or "" for codes the spec does not define.</summary>
    public static string ConditionCode(this FaultReason reason) => (byte)reason switch
    {
        0x01 => "LRT.2",
        0x02 => "LCT.2",
        0x03 => "LCT.4",
        0x04 => "LGN.1",
        0x05 => "LGN.2",
        0x06 => "LGN.3",
        0x07 => "LSL.1",
        0x08 => "LRT.1",
        0x09 => "LCT.1",
        0x0A => "LRT.3",
        0x0B => "LCT.3",
        0x0C => "LSL.2",
        0x0D => "LCT.5",
        0x0E => "LGN.4",
        0x30 => "RTA.1",
        0x31 => "RTA.2",
        0x32 => "RTA.3",
        0x38 => "SRT.1",
        0x39 => "SRT.2",
        0x3A => "SRT.3",
        >= 0x40 and <= 0x48 => $"SCT.{reason - (FaultReason)0x40 + 1}",
        >= 0x50 and <= 0x52 => $"SPD.{reason - (FaultReason)0x50 + 1}",
        >= 0x58 and <= 0x5D => $"SPT.{reason - (FaultReason)0x58 + 1}",
        >= 0x70 and <= 0x77 => $"SFL.{reason - (FaultReason)0x70 + 1}",
        >= 0x78 and <= 0x7C => $"SSL.{reason - (FaultReason)0x78 + 1}",
        >= 0x80 and <= 0x87 => $"SGN.{reason - (FaultReason)0x80 + 1}",
        0x90 => "SFL.9",
        0x91 => "SFL.10",
        _ => string.Empty,
    };
}
