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

    /// <summary>The register value, field by field from <see cref="ExtendedCapabilityFields"/>; each field is truncated to its width.</summary>
    public ExtendedCapabilityRegister Build()
    {
        ulong v = 0;
        v = ExtendedCapabilityFields.C.With(v, C);
        v = ExtendedCapabilityFields.QI.With(v, QI);
        v = ExtendedCapabilityFields.DT.With(v, DT);
        v = ExtendedCapabilityFields.IR.With(v, IR);
        v = ExtendedCapabilityFields.EIM.With(v, EIM);
        v = ExtendedCapabilityFields.PT.With(v, PT);
        v = ExtendedCapabilityFields.SC.With(v, SC);
        v = ExtendedCapabilityFields.IRO.With(v, (ulong)IRO);
        v = ExtendedCapabilityFields.MHMV.With(v, (ulong)MHMV);
        v = ExtendedCapabilityFields.MTS.With(v, MTS);
        v = ExtendedCapabilityFields.NEST.With(v, NEST);
        v = ExtendedCapabilityFields.PRS.With(v, PRS);
        v = ExtendedCapabilityFields.ERS.With(v, ERS);
        v = ExtendedCapabilityFields.SRS.With(v, SRS);
        v = ExtendedCapabilityFields.NWFS.With(v, NWFS);
        v = ExtendedCapabilityFields.EAFS.With(v, EAFS);
        v = ExtendedCapabilityFields.PSS.With(v, (ulong)PSS);
        v = ExtendedCapabilityFields.PASID.With(v, PASID);
        v = ExtendedCapabilityFields.DIT.With(v, DIT);
        v = ExtendedCapabilityFields.PDS.With(v, PDS);
        v = ExtendedCapabilityFields.SMTS.With(v, SMTS);
        v = ExtendedCapabilityFields.VCS.With(v, VCS);
        v = ExtendedCapabilityFields.SLADS.With(v, SLADS);
        v = ExtendedCapabilityFields.SLTS.With(v, SLTS);
        v = ExtendedCapabilityFields.FLTS.With(v, FLTS);
        v = ExtendedCapabilityFields.SMPWCS.With(v, SMPWCS);
        v = ExtendedCapabilityFields.RPS.With(v, RPS);
        v = ExtendedCapabilityFields.PMS.With(v, PMS);
        v = ExtendedCapabilityFields.ADMS.With(v, ADMS);
        v = ExtendedCapabilityFields.RPRIVS.With(v, RPRIVS);
        return new ExtendedCapabilityRegister(v);
    }
}
