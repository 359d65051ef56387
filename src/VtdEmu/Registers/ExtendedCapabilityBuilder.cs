using VtdEmu.Internal;

namespace VtdEmu.Registers;

/// <summary>
/// Builds an ECAP_REG value from its named fields (VT-d spec §11.4.3); names and encodings are the
/// spec's (PSS is the PASID width − 1).
/// </summary>
public sealed class ExtendedCapabilityBuilder
{
    /// <summary>C, 0: page-walk coherency.</summary>
    public bool C { get; init; }
    public bool QI { get; init; }
    public bool DT { get; init; }
    public bool IR { get; init; }
    public bool EIM { get; init; }
    public bool PT { get; init; }
    public bool SC { get; init; }
    public int IRO { get; init; }
    public int MHMV { get; init; }
    public bool MTS { get; init; }
    public bool NEST { get; init; }
    public bool PRS { get; init; }
    public bool ERS { get; init; }
    public bool SRS { get; init; }
    public bool NWFS { get; init; }
    public bool EAFS { get; init; }
    public int PSS { get; init; }
    public bool PASID { get; init; }
    public bool DIT { get; init; }
    public bool PDS { get; init; }
    public bool SMTS { get; init; }
    public bool VCS { get; init; }
    public bool SLADS { get; init; }
    public bool SLTS { get; init; }
    public bool FLTS { get; init; }
    public bool SMPWCS { get; init; }
    public bool RPS { get; init; }
    public bool PMS { get; init; }
    public bool ADMS { get; init; }
    public bool RPRIVS { get; init; }

    /// <summary>The register value; each field is truncated to its width.</summary>
    public ExtendedCapabilityRegister Build()
    {
        ulong v = 0;
        v = Bits.With(v, 0, 0, Flag(C));
        v = Bits.With(v, 1, 1, Flag(QI));
        v = Bits.With(v, 2, 2, Flag(DT));
        v = Bits.With(v, 3, 3, Flag(IR));
        v = Bits.With(v, 4, 4, Flag(EIM));
        v = Bits.With(v, 6, 6, Flag(PT));
        v = Bits.With(v, 7, 7, Flag(SC));
        v = Bits.With(v, 17, 8, (ulong)IRO);
        v = Bits.With(v, 23, 20, (ulong)MHMV);
        v = Bits.With(v, 25, 25, Flag(MTS));
        v = Bits.With(v, 26, 26, Flag(NEST));
        v = Bits.With(v, 29, 29, Flag(PRS));
        v = Bits.With(v, 30, 30, Flag(ERS));
        v = Bits.With(v, 31, 31, Flag(SRS));
        v = Bits.With(v, 33, 33, Flag(NWFS));
        v = Bits.With(v, 34, 34, Flag(EAFS));
        v = Bits.With(v, 39, 35, (ulong)PSS);
        v = Bits.With(v, 40, 40, Flag(PASID));
        v = Bits.With(v, 41, 41, Flag(DIT));
        v = Bits.With(v, 42, 42, Flag(PDS));
        v = Bits.With(v, 43, 43, Flag(SMTS));
        v = Bits.With(v, 44, 44, Flag(VCS));
        v = Bits.With(v, 45, 45, Flag(SLADS));
        v = Bits.With(v, 46, 46, Flag(SLTS));
        v = Bits.With(v, 47, 47, Flag(FLTS));
        v = Bits.With(v, 48, 48, Flag(SMPWCS));
        v = Bits.With(v, 49, 49, Flag(RPS));
        v = Bits.With(v, 51, 51, Flag(PMS));
        v = Bits.With(v, 52, 52, Flag(ADMS));
        v = Bits.With(v, 53, 53, Flag(RPRIVS));
        return new ExtendedCapabilityRegister(v);
    }

    private static ulong Flag(bool value) => value ? 1UL : 0UL;
}
