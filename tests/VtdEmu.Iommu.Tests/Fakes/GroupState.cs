using VtdEmu.Iommu;

namespace VtdEmu.Iommu.Tests.Fakes;

/// <summary>A snapshot of everything a refused call must leave unchanged.</summary>
internal sealed record GroupState(
    IommuDomain? Domain,
    object? Owner,
    uint OwnerCnt,
    IommuDomain? DefaultDomain,
    IommuDomain? BlockingDomain,
    int PasidCount,
    int DeviceCount,
    int WarnCount)
{
    public static GroupState Of(IommuGroup group, IommuCore core) => new(
        group.Domain,
        group.Owner,
        group.OwnerCnt,
        group.DefaultDomain,
        group.BlockingDomain,
        group.PasidCount,
        group.Devices.Count,
        core.Diagnostics.WarnCount);

    public GroupState WithoutWarns() => this with { WarnCount = 0 };
}
