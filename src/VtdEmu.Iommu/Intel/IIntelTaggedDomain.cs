namespace VtdEmu.Iommu.Intel;

/// <summary>A domain the driver can point a context or PASID entry at: it holds a DID and attachment tags.</summary>
internal interface IIntelTaggedDomain
{
    /// <summary>The DID and the attached (device, PASID) pairs.</summary>
    IntelDomainTags Tags { get; }
}
