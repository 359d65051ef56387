using VtdEmu.Internal;

namespace VtdEmu.Registers;

/// <summary>
/// The declarative register table of one remapping unit: one row per register with
/// offset, width, reset value and RW / RW1C / WO masks, derived from the unit's CAP, ECAP and HAW.
/// It matches the row tables of spec-notes/registers.md; change both together.
/// </summary>
internal static class RegisterLayout
{
    private const ulong Dword = 0xFFFF_FFFF;

    /// <summary>The register block size: one 4 KiB page, or more when the IOTLB or FRCD block ends above it.</summary>
    public static int BlockLength(UnitConfiguration configuration)
    {
        int end = Math.Max(IotlbEnd(configuration), FrcdEnd(configuration));
        return Math.Max(0x1000, (end + 0xFFF) & ~0xFFF);
    }

    /// <summary>All rows, ordered by offset.</summary>
    public static RegisterRow[] Build(UnitConfiguration configuration)
    {
        List<RegisterRow> rows = SortedRows(configuration);
        if (FindOverlap(rows) is { } overlap)
        {
            throw new ArgumentException(overlap, nameof(configuration));
        }

        return [.. rows];
    }

    /// <summary>Why <paramref name="configuration"/>'s registers cannot form a block (CAP.FRO / ECAP.IRO put two on one offset), or null.</summary>
    public static string? Check(UnitConfiguration configuration) => FindOverlap(SortedRows(configuration));

    private static List<RegisterRow> SortedRows(UnitConfiguration configuration)
    {
        CapabilityRegister cap = configuration.Capability;
        ExtendedCapabilityRegister ecap = configuration.ExtendedCapability;
        ulong page = Bits.Range(configuration.HostAddressWidth - 1, 12);
        bool qi = ecap.QI;
        bool prs = ecap.PRS;
        var rows = new List<RegisterRow>(64)
        {
            Ro("VER", VtdRegister.VER, 4, configuration.Version),
            Ro("CAP", VtdRegister.CAP, 8, cap.Value),
            Ro("ECAP", VtdRegister.ECAP, 8, ecap.Value),
            Row("GCMD", VtdRegister.GCMD, 4, 0, rw: 0, wo: Bits.Range(31, 23), effect: WriteEffect.Any),
            Ro("GSTS", VtdRegister.GSTS, 4, 0),
            Row("RTADDR", VtdRegister.RTADDR, 8, 0, rw: page | Bits.Range(11, 10)),

            // ICC, CIRG and DID are RW; FM and SID are WO; CAIG is RO.
            Row("CCMD", VtdRegister.CCMD, 8, 0,
                rw: Bits.Range(63, 61) | Bits.Range(15, 0), wo: Bits.Range(33, 16), effect: WriteEffect.HighDword),
            Row("FSTS", VtdRegister.FSTS, 4, 0, w1c: FaultStatusClearable(cap, ecap), effect: WriteEffect.Any),
            Row("FECTL", VtdRegister.FECTL, 4, (ulong)EventControl.IM, rw: (ulong)EventControl.IM, effect: WriteEffect.Any),
            Row("FEDATA", VtdRegister.FEDATA, 4, 0, rw: 0xFFFF),
            Row("FEADDR", VtdRegister.FEADDR, 4, 0, rw: Bits.Range(31, 2)),
            Row("FEUADDR", VtdRegister.FEUADDR, 4, 0, rw: ecap.EIM ? Dword : 0),
            Row("AFLOG", VtdRegister.AFLOG, 8, 0, rw: cap.AFL ? page | Bits.Range(11, 9) : 0),
            Row("PMEN", VtdRegister.PMEN, 4, 0, rw: cap.PLMR || cap.PHMR ? 1UL << 31 : 0, effect: WriteEffect.Any),
            Row("PLMBASE", VtdRegister.PLMBASE, 4, 0, rw: cap.PLMR ? Bits.Range(31, ProtectedRegionShift) : 0),
            Row("PLMLIMIT", VtdRegister.PLMLIMIT, 4, 0, rw: cap.PLMR ? Bits.Range(31, ProtectedRegionShift) : 0),
            Row("PHMBASE", VtdRegister.PHMBASE, 8, 0, rw: cap.PHMR ? Bits.Range(configuration.HostAddressWidth - 1, ProtectedRegionShift) : 0),
            Row("PHMLIMIT", VtdRegister.PHMLIMIT, 8, 0, rw: cap.PHMR ? Bits.Range(configuration.HostAddressWidth - 1, ProtectedRegionShift) : 0),
            Ro("IQH", VtdRegister.IQH, 8, 0),
            Row("IQT", VtdRegister.IQT, 8, 0, rw: qi ? Bits.Range(18, 4) : 0, effect: WriteEffect.LowDword),

            // DW (bit 11) is writable whenever QI is: the queue code reports IQEI 5 for DW=1 without SMTS/ADMS.
            Row("IQA", VtdRegister.IQA, 8, 0, rw: qi ? page | (1UL << 11) | Bits.Range(2, 0) : 0),
            Row("ICS", VtdRegister.ICS, 4, 0, w1c: qi ? 1UL : 0UL, effect: WriteEffect.Any),
            Row("IECTL", VtdRegister.IECTL, 4, (ulong)EventControl.IM, rw: qi ? (ulong)EventControl.IM : 0, effect: WriteEffect.Any),
            Row("IEDATA", VtdRegister.IEDATA, 4, 0, rw: qi ? 0xFFFFUL : 0UL),
            Row("IEADDR", VtdRegister.IEADDR, 4, 0, rw: qi ? Bits.Range(31, 2) : 0),
            Row("IEUADDR", VtdRegister.IEUADDR, 4, 0, rw: qi && ecap.EIM ? Dword : 0),
            Ro("IQERCD", VtdRegister.IQERCD, 8, 0),
            Row("IRTA", VtdRegister.IRTA, 8, 0, rw: ecap.IR ? page | (ecap.EIM ? 1UL << 11 : 0) | Bits.Range(3, 0) : 0),

            // Page requests (ECAP.PRS, spec-notes/page-requests.md §2): RsvdZ without PRS. PQH/PQT hold a
            // 32-byte-aligned offset in 18:5; PRS_REG's PPR and PRO are RW1C.
            Row("PQH", VtdRegister.PQH, 8, 0, rw: prs ? Bits.Range(18, 5) : 0),
            Row("PQT", VtdRegister.PQT, 8, 0, rw: prs ? Bits.Range(18, 5) : 0),
            Row("PQA", VtdRegister.PQA, 8, 0, rw: prs ? page | Bits.Range(2, 0) : 0),
            Row("PRS", VtdRegister.PRS, 4, 0, w1c: prs ? (ulong)(PageRequestStatus.PPR | PageRequestStatus.PRO) : 0, effect: WriteEffect.Any),
            Row("PECTL", VtdRegister.PECTL, 4, prs ? (ulong)EventControl.IM : 0, rw: prs ? (ulong)EventControl.IM : 0, effect: WriteEffect.Any),
            Row("PEDATA", VtdRegister.PEDATA, 4, 0, rw: prs ? 0xFFFFUL : 0UL),
            Row("PEADDR", VtdRegister.PEADDR, 4, 0, rw: prs ? Bits.Range(31, 2) : 0),
            Row("PEUADDR", VtdRegister.PEUADDR, 4, 0, rw: prs && ecap.EIM ? Dword : 0),
        };

        if (ecap.MTS)
        {
            AddMtrrs(rows, page);
        }

        int iva = ecap.IotlbRegisterOffset;
        rows.Add(new RegisterRow("IVA", iva, 8, 0, 0, 0, Bits.Range(63, 12) | Bits.Range(6, 0), WriteEffect.None));
        rows.Add(new RegisterRow("IOTLB", iva + 8, 8, 0,
            (1UL << 63) | Bits.Range(61, 60) | Bits.Range(49, 32), 0, 0, WriteEffect.HighDword));

        for (int i = 0; i < cap.FaultRecordingCount; i++)
        {
            int frcd = cap.FaultRecordingOffset + (16 * i);
            rows.Add(new RegisterRow($"FRCD{i}_LO", frcd, 8, 0, 0, 0, 0, WriteEffect.None));
            rows.Add(new RegisterRow($"FRCD{i}_HI", frcd + 8, 8, 0, 0, 1UL << 63, 0, WriteEffect.Any));
        }

        rows.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        return rows;
    }

    private static string? FindOverlap(List<RegisterRow> rows)
    {
        for (int i = 1; i < rows.Count; i++)
        {
            if (rows[i].Offset < rows[i - 1].Offset + rows[i - 1].Width)
            {
                return $"{rows[i].Name} at 0x{rows[i].Offset:x} overlaps {rows[i - 1].Name} at 0x{rows[i - 1].Offset:x}: check CAP.FRO / ECAP.IRO.";
            }
        }

        return null;
    }

    /// <summary>PLMBASE/PLMLIMIT/PHMBASE/PHMLIMIT granularity: bits below 20 are RsvdZ (1 MiB regions) — a model choice.</summary>
    public const int ProtectedRegionShift = 20;

    /// <summary>MTRRCAP value when ECAP.MTS = 1: VCNT = 10 variable ranges, FIX = 1, WC = 0 (model choice).</summary>
    public const ulong MtrrCapability = 0x10A;

    private static void AddMtrrs(List<RegisterRow> rows, ulong page)
    {
        rows.Add(Ro("MTRRCAP", VtdRegister.MTRRCAP, 8, MtrrCapability));
        rows.Add(Row("MTRRDEF", VtdRegister.MTRRDEF, 8, 0, rw: Bits.Range(11, 10) | Bits.Range(7, 0)));
        string[] fixedNames =
        [
            "MTRR_FIX64K_00000", "MTRR_FIX16K_80000", "MTRR_FIX16K_A0000",
            "MTRR_FIX4K_C0000", "MTRR_FIX4K_C8000", "MTRR_FIX4K_D0000", "MTRR_FIX4K_D8000",
            "MTRR_FIX4K_E0000", "MTRR_FIX4K_E8000", "MTRR_FIX4K_F0000", "MTRR_FIX4K_F8000",
        ];
        for (int i = 0; i < fixedNames.Length; i++)
        {
            rows.Add(new RegisterRow(fixedNames[i], 0x120 + (8 * i), 8, 0, ulong.MaxValue, 0, 0, WriteEffect.None));
        }

        for (int n = 0; n < 10; n++)
        {
            rows.Add(new RegisterRow($"MTRR_PHYSBASE{n}", 0x180 + (16 * n), 8, 0, page | Bits.Range(7, 0), 0, 0, WriteEffect.None));
            rows.Add(new RegisterRow($"MTRR_PHYSMASK{n}", 0x188 + (16 * n), 8, 0, page | (1UL << 11), 0, 0, WriteEffect.None));
        }
    }

    // PFO always; APF/AFO only with AFL; ICE/ITE only with DT (reserved otherwise); IQE with QI.
    private static ulong FaultStatusClearable(CapabilityRegister cap, ExtendedCapabilityRegister ecap)
    {
        FaultStatus bits = FaultStatus.PFO;
        if (cap.AFL)
        {
            bits |= FaultStatus.APF | FaultStatus.AFO;
        }

        if (ecap.QI)
        {
            bits |= FaultStatus.IQE;
        }

        if (ecap.DT)
        {
            bits |= FaultStatus.ICE | FaultStatus.ITE;
        }

        return (ulong)bits;
    }

    private static int IotlbEnd(UnitConfiguration c) => c.ExtendedCapability.IotlbRegisterOffset + 16;

    private static int FrcdEnd(UnitConfiguration c) =>
        c.Capability.FaultRecordingOffset + (16 * c.Capability.FaultRecordingCount);

    private static RegisterRow Ro(string name, VtdRegister offset, int width, ulong reset) =>
        new(name, (int)offset, width, reset, 0, 0, 0, WriteEffect.None);

    private static RegisterRow Row(
        string name, VtdRegister offset, int width, ulong reset,
        ulong rw = 0, ulong w1c = 0, ulong wo = 0, WriteEffect effect = WriteEffect.None) =>
        new(name, (int)offset, width, reset, rw, w1c, wo, effect);
}
