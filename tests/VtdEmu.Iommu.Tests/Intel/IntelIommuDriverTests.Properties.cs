using CsCheck;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// Property: random map / unmap sequences through <see cref="IommuCore"/> and the Intel driver. After every step the
/// page tables in guest memory, decoded by <see cref="ReferenceDecoder"/> from the device's context entry, translate
/// exactly the currently mapped 4 KiB pages of the window (right address and permissions) and nothing else; overlaps
/// are refused with EADDRINUSE without changing anything; unmapping what one map created returns its size; a strict
/// unmap has issued, before returning, an IOTLB invalidation for the domain's DID covering the whole range; a map
/// issues none unless the unit is in caching mode, and then one covering the new range; when everything is unmapped
/// every page-table page except the top one is back in the driver's pool. Runs on legacy units (with and without
/// caching mode) and scalable ones (second-level and first-level tables, with and without caching mode); first-level
/// leaves are always readable and are invalidated by PASID-based IOTLB descriptors, never on map.
/// </summary>
public sealed partial class IntelIommuDriverTests
{
    private const int WindowPages = 2048; // 8 MiB: four 2 MiB regions, so superpages occur

    [Fact]
    public void RandomMapUnmap_DecodedTablesTranslateExactlyTheMappedPages()
    {
        Gen<(bool Map, int Start, int Length, int PaShift, int Prot, int Pick)> step = Gen.Select(
            Gen.Bool, Gen.Int[0, WindowPages - 1], Gen.OneOf(Gen.Int[1, 40], Gen.Const(512), Gen.Int[500, 1100]),
            Gen.Int[-3, 3], Gen.Int[1, 3], Gen.Int[0, 1000]);
        Gen.Select(Gen.Int[0, PropertyUnits.Length - 1], step.Array[1, 30]).Sample(t => RunMapSequence(PropertyUnits[t.Item1], t.Item2), iter: 80);
    }

    private static readonly UnitConfiguration[] PropertyUnits =
        [UnitConfiguration.Qemu, TestUnits.QemuCachingMode, UnitConfiguration.QemuScalable, TestUnits.QemuScalableCachingMode, UnitConfiguration.QemuScalableFirstLevel, TestUnits.QemuScalableFirstLevelCachingMode];

    private static void RunMapSequence(UnitConfiguration unit, (bool Map, int Start, int Length, int PaShift, int Prot, int Pick)[] steps)
    {
        IntelRig rig = IntelRig.Boot(unit, IntelRig.Singleton());
        bool cachingMode = unit.Capability.CM;
        IommuDevice a = rig.Dev("A");
        IommuDomain d = rig.NewDomain("A");
        Assert.Equal(LinuxError.Success, rig.Core.AttachDevice(d, a));
        IntelPagingDomain paging = Assert.IsType<IntelPagingDomain>(d.Ops);
        ushort did = paging.Did;
        bool firstLevel = paging.FirstLevel;
        int baseline = rig.Driver.PagesInUse;
        List<(ulong Iova, ulong Size, ulong Pa, IommuProt Prot)> live = [];

        foreach ((bool map, int start, int length, int paShift, int protBits, int pick) in steps)
        {
            if (map)
            {
                ulong iova = (ulong)start * Size4K;
                ulong size = (ulong)Math.Min(length, WindowPages - start) * Size4K;

                // Same offset within 2 MiB (superpages possible) when paShift is a multiple of 512 pages, else not.
                ulong pa = 0x1_0000_0000UL + iova + (ulong)((paShift + 3) * (paShift % 2 == 0 ? 512 : 7)) * Size4K;
                IommuProt prot = (IommuProt)protBits;
                bool overlaps = live.Exists(r => iova < r.Iova + r.Size && r.Iova < iova + size);
                rig.Mmio.Clear();

                LinuxError r = rig.Core.Map(d, iova, pa, size, prot);

                Assert.Equal(overlaps ? LinuxError.EADDRINUSE : LinuxError.Success, r);
                if (!overlaps)
                {
                    live.Add((iova, size, pa, prot));
                    if (cachingMode && !firstLevel)
                    {
                        AssertIotlbCovers(rig.Mmio.Invalidations, did, iova, size);
                    }
                    else
                    {
                        Assert.Empty(rig.Mmio.Invalidations);
                    }
                }
            }
            else if (live.Count > 0)
            {
                (ulong iova, ulong size, _, _) = live[pick % live.Count];
                rig.Mmio.Clear();
                Assert.Equal(size, rig.Core.Unmap(d, iova, size));
                AssertIotlbCovers(rig.Mmio.Invalidations, did, iova, size);
                live.RemoveAt(pick % live.Count);
            }

            AssertTranslatesExactly(rig, a.Bdf, live);
        }

        foreach ((ulong iova, ulong size, _, _) in live)
        {
            Assert.Equal(size, rig.Core.Unmap(d, iova, size));
        }

        AssertTranslatesExactly(rig, a.Bdf, []);
        Assert.Equal(baseline, rig.Driver.PagesInUse);
    }

    // Some IOTLB invalidation in the log removes every cached translation of [iova, iova + size) for the DID.
    private static void AssertIotlbCovers(List<string> invalidations, ushort did, ulong iova, ulong size)
    {
        foreach (string e in invalidations)
        {
            if (e == "iotlb global" || e == $"iotlb dsi did={did}" || e == $"piotlb all did={did} pasid=0")
            {
                return;
            }

            string prefix = $"iotlb psi did={did} addr=0x";
            string pasidPrefix = $"piotlb page did={did} pasid=0 addr=0x";
            prefix = e.StartsWith(pasidPrefix, StringComparison.Ordinal) ? pasidPrefix : prefix;
            if (e.StartsWith(prefix, StringComparison.Ordinal))
            {
                string[] parts = e[prefix.Length..].Split(' ');
                ulong address = Convert.ToUInt64(parts[0], 16);
                int am = int.Parse(parts[1]["am=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                if (address <= iova && iova + size <= address + (Size4K << am))
                {
                    return;
                }
            }
        }

        Assert.Fail($"no IOTLB invalidation covers [0x{iova:x}, 0x{iova + size:x}) for DID {did}: {string.Join(" | ", invalidations)}");
    }

    private static void AssertTranslatesExactly(IntelRig rig, PciBdf bdf, List<(ulong Iova, ulong Size, ulong Pa, IommuProt Prot)> live)
    {
        DecodedContext ctx = Assert.IsType<DecodedContext>(rig.Context(bdf));
        for (ulong page = 0; page < WindowPages; page++)
        {
            ulong iova = page * Size4K;
            DecodedLeaf? leaf = ReferenceDecoder.Walk(rig.Memory, ctx, iova);
            int i = live.FindIndex(r => iova >= r.Iova && iova < r.Iova + r.Size);
            if (i < 0)
            {
                Assert.Null(leaf);
                continue;
            }

            (ulong rIova, _, ulong rPa, IommuProt prot) = live[i];
            DecodedLeaf l = Assert.IsType<DecodedLeaf>(leaf);
            Assert.Equal(rPa + (iova - rIova), l.PhysicalAddress);
            Assert.Equal((prot & IommuProt.Read) != 0 || ctx.FirstLevel, l.Read);
            Assert.Equal((prot & IommuProt.Write) != 0, l.Write);
        }
    }
}
