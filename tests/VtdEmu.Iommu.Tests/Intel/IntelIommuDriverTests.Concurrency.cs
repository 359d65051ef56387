using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>Intel driver: map/unmap on different domains from parallel threads share one unit (page allocator, queue).</summary>
public sealed partial class IntelIommuDriverTests
{
    [Fact]
    public void ParallelMapUnmapOnTwoDomains_EachDomainEndsExactlyAsItsThreadLeftIt()
    {
        IntelRig rig = IntelRig.Boot(TestUnits.QemuCachingMode, IntelRig.Endpoints(2));
        IommuDomain[] domains = [rig.Domain("A"), rig.Domain("B")];
        int baseline = rig.Driver.PagesInUse;

        Parallel.For(0, 2, t =>
        {
            IommuDomain d = domains[t];
            for (ulong i = 0; i < 200; i++)
            {
                ulong iova = (i % 50) * Size2M;
                Assert.Equal(LinuxError.Success, rig.Core.Map(d, iova, 0x1_0000_0000 + (i * Size4K), Size4K, ReadWrite));
                if (i % 50 != 49 || i < 150)
                {
                    Assert.Equal(Size4K, rig.Core.Unmap(d, iova, Size4K));
                }
            }
        });

        // Each thread left exactly IOVA 49·2 MiB mapped (its last iteration), to its own physical page.
        foreach ((string name, IommuDomain d) in new[] { ("A", domains[0]), ("B", domains[1]) })
        {
            Assert.Equal(0x1_0000_0000 + (199 * Size4K), rig.Walk(rig.Dev(name).Bdf, 49 * Size2M)!.Value.PhysicalAddress);
            Assert.Null(rig.Walk(rig.Dev(name).Bdf, 48 * Size2M));
            Assert.Equal(Size4K, rig.Core.Unmap(d, 49 * Size2M, Size4K));
        }

        Assert.Equal(baseline, rig.Driver.PagesInUse);
        Assert.Empty(rig.Driver.Diagnostics);
    }
}
