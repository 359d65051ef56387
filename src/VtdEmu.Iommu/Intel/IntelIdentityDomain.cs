namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The driver's static IDENTITY domain (spec-notes/intel-driver.md "Attach"), offered only when ECAP.PT: attach writes
/// pass-through context entries (TT = 10, DID 1, AW = the largest supported AGAW).
/// </summary>
internal sealed class IntelIdentityDomain(IntelIommuDriver driver) : IntelUnpagedDomain
{
    public override LinuxError AttachDevice(IommuDevice device, IommuDomain? old) => driver.AttachIdentity(device);

    public override LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old) => driver.SetPasidIdentity(device, pasid);

    public override ulong IovaToPhys(ulong iova) => iova;
}
