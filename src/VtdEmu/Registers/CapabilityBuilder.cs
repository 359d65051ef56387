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

    /// <summary>The register value, field by field from <see cref="CapabilityFields"/>; each field is truncated to its width.</summary>
    public CapabilityRegister Build()
    {
        ulong v = 0;
        v = CapabilityFields.ND.With(v, (ulong)ND);
        v = CapabilityFields.AFL.With(v, AFL);
        v = CapabilityFields.RWBF.With(v, RWBF);
        v = CapabilityFields.PLMR.With(v, PLMR);
        v = CapabilityFields.PHMR.With(v, PHMR);
        v = CapabilityFields.CM.With(v, CM);
        v = CapabilityFields.SAGAW.With(v, (ulong)SAGAW);
        v = CapabilityFields.MGAW.With(v, (ulong)MGAW);
        v = CapabilityFields.ZLR.With(v, ZLR);
        v = CapabilityFields.FRO.With(v, (ulong)FRO);
        v = CapabilityFields.SLLPS.With(v, (ulong)SLLPS);
        v = CapabilityFields.PSI.With(v, PSI);
        v = CapabilityFields.NFR.With(v, (ulong)NFR);
        v = CapabilityFields.MAMV.With(v, (ulong)MAMV);
        v = CapabilityFields.DWD.With(v, DWD);
        v = CapabilityFields.DRD.With(v, DRD);
        v = CapabilityFields.FL1GP.With(v, FL1GP);
        v = CapabilityFields.PI.With(v, PI);
        v = CapabilityFields.FL5LP.With(v, FL5LP);
        v = CapabilityFields.ECMDS.With(v, ECMDS);
        v = CapabilityFields.ESIRTPS.With(v, ESIRTPS);
        v = CapabilityFields.ESRTPS.With(v, ESRTPS);
        return new CapabilityRegister(v);
    }
}
