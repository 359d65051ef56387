using VtdEmu.Internal;

namespace VtdEmu.Registers;

/// <summary>
/// Builds a CAP_REG value from its named fields (VT-d spec §11.4.2); field names and encodings are
/// the spec's (NFR and MGAW are encoded as count − 1 / width − 1, as in the register).
/// </summary>
public sealed class CapabilityBuilder
{
    public int ND { get; init; }
    public bool AFL { get; init; }
    public bool RWBF { get; init; }
    public bool PLMR { get; init; }
    public bool PHMR { get; init; }
    public bool CM { get; init; }
    public int SAGAW { get; init; }
    public int MGAW { get; init; }
    public bool ZLR { get; init; }
    public int FRO { get; init; }
    public int SLLPS { get; init; }
    public bool PSI { get; init; }
    public int NFR { get; init; }
    public int MAMV { get; init; }
    public bool DWD { get; init; }
    public bool DRD { get; init; }
    public bool FL1GP { get; init; }
    public bool PI { get; init; }
    public bool FL5LP { get; init; }
    public bool ECMDS { get; init; }
    public bool ESIRTPS { get; init; }
    public bool ESRTPS { get; init; }

    /// <summary>The register value; each field is truncated to its width.</summary>
    public CapabilityRegister Build()
    {
        ulong v = 0;
        v = Bits.With(v, 2, 0, (ulong)ND);
        v = Bits.With(v, 3, 3, Flag(AFL));
        v = Bits.With(v, 4, 4, Flag(RWBF));
        v = Bits.With(v, 5, 5, Flag(PLMR));
        v = Bits.With(v, 6, 6, Flag(PHMR));
        v = Bits.With(v, 7, 7, Flag(CM));
        v = Bits.With(v, 12, 8, (ulong)SAGAW);
        v = Bits.With(v, 21, 16, (ulong)MGAW);
        v = Bits.With(v, 22, 22, Flag(ZLR));
        v = Bits.With(v, 33, 24, (ulong)FRO);
        v = Bits.With(v, 37, 34, (ulong)SLLPS);
        v = Bits.With(v, 39, 39, Flag(PSI));
        v = Bits.With(v, 47, 40, (ulong)NFR);
        v = Bits.With(v, 53, 48, (ulong)MAMV);
        v = Bits.With(v, 54, 54, Flag(DWD));
        v = Bits.With(v, 55, 55, Flag(DRD));
        v = Bits.With(v, 56, 56, Flag(FL1GP));
        v = Bits.With(v, 59, 59, Flag(PI));
        v = Bits.With(v, 60, 60, Flag(FL5LP));
        v = Bits.With(v, 61, 61, Flag(ECMDS));
        v = Bits.With(v, 62, 62, Flag(ESIRTPS));
        v = Bits.With(v, 63, 63, Flag(ESRTPS));
        return new CapabilityRegister(v);
    }

    private static ulong Flag(bool value) => value ? 1UL : 0UL;
}
