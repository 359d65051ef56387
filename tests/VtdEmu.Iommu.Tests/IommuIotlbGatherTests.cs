using VtdEmu.Iommu;

namespace VtdEmu.Iommu.Tests;

public sealed class IommuIotlbGatherTests
{
    [Fact]
    public void Add_SeveralLeaves_CoversTheirUnion()
    {
        IommuIotlbGather gather = new();
        Assert.True(gather.IsEmpty);
        gather.Add(0x20_0000, 0x20_0000);
        gather.Add(0x1F_F000, 0x1000);
        gather.Add(0x5000, 0);
        Assert.False(gather.IsEmpty);
        Assert.Equal((0x1F_F000UL, 0x3F_FFFFUL, 0x20_0000UL), (gather.Start, gather.End, gather.PgSize));
    }
}
