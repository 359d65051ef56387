using VtdEmu.Faults;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// Nested domains the way iommufd offers them to a VMM (spec-notes/nested-domains.md): a nest-parent second level maps
/// guest-physical to host-physical addresses; the guest owns a first-level table in its memory; the nested child points
/// a PGTT 011 PASID entry at both (VT-d spec §9.6) and the unit walks them together (spec-notes/nested.md). The guest's
/// invalidation call is what makes its table edits visible; the parent's unmap invalidates the combined translations.
/// </summary>
public sealed partial class IntelIommuDriverTests
{
    /// <summary>Guest-physical 0 is host-physical 0x1000_0000: the parent maps the guest's first 16 MiB there.</summary>
    private const ulong GuestRamHost = 0x1000_0000;
    private const ulong GuestRamSize = 0x100_0000;

    /// <summary>The guest's 4-level first-level table: root at GPA 0x10_0000, lower tables in the next pages.</summary>
    private const ulong GuestFlRoot = 0x10_0000;
    private const ulong GuestIova = 0x40_0000;

    // First-level entry bits (VT-d spec §9.9): P, R/W, U/S, A, D.
    private const ulong FlTable = 0x27;
    private const ulong FlLeaf = 0x67;

    [Fact]
    public void Nested_AttachToDevice_PgttNestedEntryAndDmaThroughBothLevels()
    {
        NestedRig n = NestedRig.Boot(UnitConfiguration.SapphireRapids);
        n.GuestMap(GuestIova, 0x20_0000);

        Assert.Equal(LinuxError.Success, n.AttachNested(new IommuHwptVtdS1(IommuVtdS1Flags.None, GuestFlRoot, IommuHwptVtdS1.AddrWidth4Level)));

        // The RID_PASID entry: the guest's FLPTPTR, the parent's SLPTPTR and AW, the child's own DID, PGTT 011.
        IntelNestedDomain nested = Assert.IsType<IntelNestedDomain>(n.Nested!.Ops);
        (_, ulong[]? pe) = ReferenceDecoder.ScalableWords(n.Rig.Memory, n.Rig.Driver.RootTable, n.A.Bdf.SourceId, 0)!.Value;
        Assert.Equal(3UL, (pe![0] >> 6) & 7);
        Assert.Equal(n.Parent.Root, pe[0] & 0x000F_FFFF_FFFF_F000);
        Assert.Equal((ulong)n.Rig.Driver.Agaw, (pe[0] >> 2) & 7);
        Assert.Equal(GuestFlRoot, pe[2] & 0x000F_FFFF_FFFF_F000);
        Assert.Equal(0UL, (pe[2] >> 2) & 3); // FLPM: 4-level
        Assert.Equal((ulong)nested.Did, pe[1] & 0xFFFF);
        Assert.NotEqual(0, nested.Did);

        Assert.True(n.Dev.Write(GuestIova + 0x10, [0xA1]).IsCompleted);
        Assert.Equal(0xA1, n.HostByte(0x20_0010));
    }

    [Fact]
    public void Nested_GuestEditsWithoutInvalidation_StaleUntilUserInvalidate()
    {
        NestedRig n = NestedRig.Boot(UnitConfiguration.SapphireRapids);
        ulong leafSlot = n.GuestMap(GuestIova, 0x20_0000);
        Assert.Equal(LinuxError.Success, n.AttachNested(new IommuHwptVtdS1(IommuVtdS1Flags.None, GuestFlRoot, IommuHwptVtdS1.AddrWidth4Level)));
        ushort did = Assert.IsType<IntelNestedDomain>(n.Nested!.Ops).Did;
        Assert.True(n.Dev.Write(GuestIova, [1]).IsCompleted); // the IOTLB now holds the combined translation
        Assert.Equal(1, n.HostByte(0x20_0000));

        // The guest points its leaf at another page and forgets to invalidate: the unit keeps the old translation.
        Assert.True(n.Rig.Memory.TryWrite64(GuestRamHost + leafSlot, 0x30_0000 | FlLeaf));
        Assert.True(n.Dev.Write(GuestIova, [2]).IsCompleted);
        Assert.Equal(2, n.HostByte(0x20_0000));
        Assert.Equal(0, n.HostByte(0x30_0000));

        // The user-side invalidation becomes a PASID-based page-selective IOTLB invalidation (IH = LEAF), and the
        // next DMA walks the edited table.
        n.Rig.Mmio.Clear();
        Assert.Equal(LinuxError.Success, n.Rig.Core.HwptInvalidate(n.Nested, [new IommuHwptVtdS1Invalidate(GuestIova, 1, IommuVtdInvalidateFlags.Leaf)], out int processed));
        Assert.Equal(1, processed);
        Assert.Equal([$"piotlb page did={did} pasid=0 addr=0x400000 am=0 ih=1"], n.Rig.Mmio.Invalidations);
        Assert.True(n.Dev.Write(GuestIova, [3]).IsCompleted);
        Assert.Equal(3, n.HostByte(0x30_0000));
        Assert.Equal(2, n.HostByte(0x20_0000));
    }

    [Fact]
    public void Nested_ParentUnmap_InvalidatesCombinedTranslationsByTheChildDid()
    {
        NestedRig n = NestedRig.Boot(UnitConfiguration.SapphireRapids);
        n.GuestMap(GuestIova, 0x20_0000);
        Assert.Equal(LinuxError.Success, n.AttachNested(new IommuHwptVtdS1(IommuVtdS1Flags.None, GuestFlRoot, IommuHwptVtdS1.AddrWidth4Level)));
        ushort did = Assert.IsType<IntelNestedDomain>(n.Nested!.Ops).Did;
        Assert.True(n.Dev.Write(GuestIova, [1]).IsCompleted);
        n.Rig.Mmio.Clear();

        // The VMM takes guest-physical 2 MiB..4 MiB away (the data page's 2 MiB leaf in the parent).
        Assert.Equal(Size2M, n.Rig.Core.Unmap(n.ParentDomain, 0x20_0000, Size2M));

        // Linux's nesting cache tag: a second-level-form IOTLB invalidation with the child's DID; the unit drops every
        // nested entry of that DID (spec-notes/nested.md §4), so the DMA walks again and faults in the second level.
        Assert.Equal([$"iotlb psi did={did} addr=0x200000 am=9 ih=1"], n.Rig.Mmio.Invalidations); // no parent table freed: IH = 1
        DmaResult after = n.Dev.Write(GuestIova, [2]);
        Assert.Equal(DmaStatus.Faulted, after.Status);
        Assert.Equal(FaultReason.SecondLevelEntryNotPresent, after.Fault);
    }

    [Fact]
    public void Nested_AtsDevice_UserAndParentInvalidationsReachTheDeviceTlb()
    {
        NestedRig n = NestedRig.Boot(UnitConfiguration.SapphireRapids, options: new IntelDriverOptions { AtsCapable = _ => true });
        n.GuestMap(GuestIova, 0x20_0000);
        Assert.Equal(LinuxError.Success, n.AttachNested(new IommuHwptVtdS1(IommuVtdS1Flags.None, GuestFlRoot, IommuHwptVtdS1.AddrWidth4Level)));
        ushort did = Assert.IsType<IntelNestedDomain>(n.Nested!.Ops).Did;
        n.Rig.Mmio.Clear();

        // User invalidation (Linux cache_tag_flush_range on the child): PASID-based IOTLB, then the device-TLB range.
        Assert.Equal(LinuxError.Success, n.Rig.Core.HwptInvalidate(n.Nested, [new IommuHwptVtdS1Invalidate(GuestIova, 2)], out _));
        Assert.Equal([$"piotlb page did={did} pasid=0 addr=0x400000 am=1 ih=0", "devtlb sid=0100 addr=0x400000 s=1"], n.Rig.Mmio.Invalidations);

        // Parent unmap: the child's DID in the second-level form, then the device-TLB for everything (its addresses are
        // the guest's input, which a guest-physical range does not name).
        n.Rig.Mmio.Clear();
        Assert.Equal(Size2M, n.Rig.Core.Unmap(n.ParentDomain, 0x20_0000, Size2M));
        Assert.Equal([$"iotlb psi did={did} addr=0x200000 am=9 ih=1", "devtlb sid=0100 addr=0x7ffffffffffff000 s=1"], n.Rig.Mmio.Invalidations);
    }

    [Fact]
    public void Nested_SetDevPasid_PasidDmaThroughGuestTableRidDmaThroughDefaultDomain()
    {
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 1, 0), name: "A", acs: true, maxPasids: 1 << 20);
        NestedRig n = NestedRig.Boot(TestUnits.SapphireRapidsPasid, t);
        n.GuestMap(GuestIova, 0x20_0000);
        Assert.Equal(LinuxError.Success, n.Rig.Core.DomainAllocNested(n.A, n.ParentDomain, IommuAllocFlags.Pasid, new IommuHwptVtdS1(IommuVtdS1Flags.None, GuestFlRoot, IommuHwptVtdS1.AddrWidth4Level), out IommuDomain? nested));
        Assert.Equal(LinuxError.Success, n.Rig.Core.Map(n.Rig.Domain("A"), GuestIova, 0x0500_0000, Size4K, ReadWrite));

        Assert.Equal(LinuxError.Success, n.Rig.Core.AttachDevicePasid(nested!, n.A, 7));

        Assert.True(n.Dev.Write(GuestIova, [0x77], pasid: 7).IsCompleted);
        Assert.True(n.Dev.Write(GuestIova, [0x55]).IsCompleted);
        Assert.Equal(0x77, n.HostByte(0x20_0000));
        Assert.True(n.Rig.Memory.TryRead(0x0500_0000, new byte[1]));
        byte[] rid = new byte[1];
        Assert.True(n.Rig.Memory.TryRead(0x0500_0000, rid));
        Assert.Equal(0x55, rid[0]);

        // Detach: torn down like any nested entry (PASID cache, then domain-selective IOTLB with the child's DID).
        ushort did = Assert.IsType<IntelNestedDomain>(nested!.Ops).Did;
        n.Rig.Mmio.Clear();
        n.Rig.Core.DetachDevicePasid(nested, n.A, 7);
        Assert.Equal([$"pc pasid did={did} pasid=7", $"iotlb dsi did={did}"], n.Rig.Mmio.Invalidations);
        Assert.Equal(FaultReason.PasidTableEntryNotPresent, n.Dev.Write(GuestIova, [1], pasid: 7).Fault);
    }

    [Fact]
    public void Nested_AllocationChecks_LinuxErrnos()
    {
        NestedRig n = NestedRig.Boot(UnitConfiguration.SapphireRapids);
        IommuHwptVtdS1 good = new(IommuVtdS1Flags.None, GuestFlRoot, IommuHwptVtdS1.AddrWidth4Level);
        IommuCore core = n.Rig.Core;

        // Flags other than PASID → EOPNOTSUPP; a parent not allocated as nest parent → EINVAL; bad user data → EINVAL.
        Assert.Equal(LinuxError.EOPNOTSUPP, core.DomainAllocNested(n.A, n.ParentDomain, IommuAllocFlags.DirtyTracking, good, out _));
        Assert.Equal(LinuxError.EINVAL, core.DomainAllocNested(n.A, n.Rig.NewDomain("A"), IommuAllocFlags.None, good, out _));
        Assert.Equal(LinuxError.EINVAL, core.DomainAllocNested(n.A, n.Rig.Domain("A"), IommuAllocFlags.None, good, out _)); // the DMA default domain
        Assert.Equal(LinuxError.EINVAL, core.DomainAllocNested(n.A, n.ParentDomain, IommuAllocFlags.None, good with { Flags = (IommuVtdS1Flags)8 }, out _));
        Assert.Equal(LinuxError.EINVAL, core.DomainAllocNested(n.A, n.ParentDomain, IommuAllocFlags.None, good with { Reserved = 1 }, out _));

        // A unit without nesting (qemu-sm: no ECAP.NEST) refuses nest parents and nested domains with EOPNOTSUPP.
        IntelRig qemu = IntelRig.Boot(UnitConfiguration.QemuScalable, IntelRig.Singleton());
        Assert.Equal(LinuxError.EOPNOTSUPP, qemu.Core.PagingDomainAlloc(qemu.Dev("A"), IommuAllocFlags.NestParent, out _));
        Assert.Equal(LinuxError.EOPNOTSUPP, qemu.Core.DomainAllocNested(qemu.Dev("A"), qemu.NewDomain("A"), IommuAllocFlags.None, good, out _));

        // A nested domain cannot map; its parent cannot be freed while it lives.
        Assert.Equal(LinuxError.Success, core.DomainAllocNested(n.A, n.ParentDomain, IommuAllocFlags.None, good, out IommuDomain? nested));
        Assert.Equal(IommuDomainType.Nested, nested!.Type);
        Assert.Same(n.ParentDomain, nested.Parent);
        Assert.Equal(LinuxError.EINVAL, core.Map(nested, 0, 0, Size4K, ReadWrite));
        Assert.Equal(LinuxError.EBUSY, core.DomainFree(n.ParentDomain));
        Assert.Equal(LinuxError.Success, core.DomainFree(nested));
        Assert.Equal(LinuxError.Success, core.DomainFree(n.ParentDomain));
    }

    [Theory]
    [InlineData(39u, IommuVtdS1Flags.None, "sapphire-rapids", LinuxError.EINVAL)]
    [InlineData(57u, IommuVtdS1Flags.None, "sapphire-rapids", LinuxError.Success)]
    [InlineData(48u, IommuVtdS1Flags.SRE | IommuVtdS1Flags.WPE | IommuVtdS1Flags.EAFE, "sapphire-rapids", LinuxError.Success)]
    public void Nested_AttachChecksTheGuestConfiguration_RefusedBeforeTheDeviceIsTouched(uint width, IommuVtdS1Flags flags, string unit, LinuxError expected)
    {
        NestedRig n = NestedRig.Boot(Unit(unit));
        IommuGroup g = n.A.Group!;
        Assert.Equal(LinuxError.Success, n.Rig.Core.DomainAllocNested(n.A, n.ParentDomain, IommuAllocFlags.None, new IommuHwptVtdS1(flags, GuestFlRoot, width), out IommuDomain? nested));
        Assert.Equal(LinuxError.Success, n.Rig.Core.DeviceClaimDmaOwner(n.A, this));
        Assert.Equal(LinuxError.Success, n.Rig.Core.AttachGroup(n.Rig.NewDomain("A"), g)); // the VMM's current domain
        IommuDomain before = g.Domain!;
        n.Rig.Mmio.Clear();

        Assert.Equal(expected, n.Rig.Core.GroupReplaceDomain(g, nested!)); // iommufd replace, as a VMM switches page tables

        if (expected != LinuxError.Success)
        {
            // Linux blocks the device first and then fails; we check first, so the device keeps its translation.
            Assert.Same(before, g.Domain);
            Assert.Empty(n.Rig.Mmio.Invalidations);
            Assert.Equal(Assert.IsType<IntelPagingDomain>(before.Ops).Root, n.Rig.Context(n.A.Bdf)!.Value.Slptptr);
            return;
        }

        (_, ulong[]? pe) = ReferenceDecoder.ScalableWords(n.Rig.Memory, n.Rig.Driver.RootTable, n.A.Bdf.SourceId, 0)!.Value;
        ulong expectedW2 = GuestFlRoot | (width == 57 ? 1UL << 2 : 0) | ((flags & IommuVtdS1Flags.SRE) != 0 ? 1UL : 0)
            | ((flags & IommuVtdS1Flags.WPE) != 0 ? 1UL << 4 : 0) | ((flags & IommuVtdS1Flags.EAFE) != 0 ? 1UL << 7 : 0);
        Assert.Equal(expectedW2, pe![2]);
    }

    [Fact]
    public void Nested_UserInvalidateChecks_StopAtTheFirstRefusedEntry()
    {
        NestedRig n = NestedRig.Boot(UnitConfiguration.SapphireRapids);
        Assert.Equal(LinuxError.Success, n.AttachNested(new IommuHwptVtdS1(IommuVtdS1Flags.None, GuestFlRoot, IommuHwptVtdS1.AddrWidth4Level)));
        ushort did = Assert.IsType<IntelNestedDomain>(n.Nested!.Ops).Did;
        IommuCore core = n.Rig.Core;
        n.Rig.Mmio.Clear();

        // Linux intel_nested_cache_invalidate_user: unknown flags / reserved → EOPNOTSUPP; unaligned address, or
        // "all pages" with an address → EINVAL. Earlier entries have run.
        Assert.Equal(LinuxError.EOPNOTSUPP, core.HwptInvalidate(n.Nested, [new(0x1000, 1), new(0x2000, 1, (IommuVtdInvalidateFlags)2)], out int processed));
        Assert.Equal(1, processed);
        Assert.Equal(LinuxError.EOPNOTSUPP, core.HwptInvalidate(n.Nested, [new(0x1000, 1, Reserved: 1)], out processed));
        Assert.Equal(LinuxError.EINVAL, core.HwptInvalidate(n.Nested, [new(0x1008, 1)], out processed));
        Assert.Equal(LinuxError.EINVAL, core.HwptInvalidate(n.Nested, [new(0x1000, IommuHwptVtdS1Invalidate.AllPages)], out processed));
        Assert.Equal(0, processed);
        Assert.Equal([$"piotlb page did={did} pasid=0 addr=0x1000 am=0 ih=0"], n.Rig.Mmio.Invalidations);

        // Everything: PASID-based, all addresses. Not a nested domain → EINVAL.
        n.Rig.Mmio.Clear();
        Assert.Equal(LinuxError.Success, core.HwptInvalidate(n.Nested, [new(0, IommuHwptVtdS1Invalidate.AllPages)], out processed));
        Assert.Equal([$"piotlb all did={did} pasid=0"], n.Rig.Mmio.Invalidations);
        Assert.Equal(LinuxError.EINVAL, core.HwptInvalidate(n.ParentDomain, [new(0, 1)], out _));
    }

    /// <summary>
    /// A unit with a VMM's view: device "A" owned by the VMM (group claimed), a nest-parent domain mapping guest RAM
    /// [0, 16 MiB) at host 0x1000_0000 with 2 MiB leaves, and helpers that play the guest.
    /// </summary>
    private sealed class NestedRig
    {
        private NestedRig(IntelRig rig, IommuDomain parent)
        {
            Rig = rig;
            ParentDomain = parent;
            Dev = rig.Endpoint("A");
        }

        public IntelRig Rig { get; }

        public IommuDomain ParentDomain { get; }

        public IntelPagingDomain Parent => Assert.IsType<IntelPagingDomain>(ParentDomain.Ops);

        public IommuDomain? Nested { get; private set; }

        public IommuDevice A => Rig.Dev("A");

        public PciEndpoint Dev { get; }

        public static NestedRig Boot(UnitConfiguration unit, PciTopology? topology = null, IntelDriverOptions? options = null)
        {
            IntelRig rig = IntelRig.Boot(unit, topology ?? IntelRig.Singleton(), options: options);
            Assert.Equal(LinuxError.Success, rig.Core.PagingDomainAlloc(rig.Dev("A"), IommuAllocFlags.NestParent, out IommuDomain? parent));
            Assert.Equal(LinuxError.Success, rig.Core.Map(parent!, 0, GuestRamHost, GuestRamSize, ReadWrite));
            return new NestedRig(rig, parent!);
        }

        /// <summary>Allocates the nested domain and attaches it to A's group as a VMM does (claim, then attach).</summary>
        public LinuxError AttachNested(IommuHwptVtdS1 data)
        {
            LinuxError r = Rig.Core.DomainAllocNested(A, ParentDomain, IommuAllocFlags.None, data, out IommuDomain? nested);
            if (r != LinuxError.Success)
            {
                return r;
            }

            Nested = nested;
            Assert.Equal(LinuxError.Success, Rig.Core.GroupClaimDmaOwner(A.Group!, this));
            r = Rig.Core.AttachGroup(nested!, A.Group!);
            if (r != LinuxError.Success)
            {
                Rig.Core.GroupReleaseDmaOwner(A.Group!);
            }

            return r;
        }

        /// <summary>The guest maps <paramref name="iova"/> → guest page <paramref name="gpa"/>; returns the leaf's GPA.</summary>
        public ulong GuestMap(ulong iova, ulong gpa)
        {
            ulong table = GuestFlRoot;
            for (int level = 4; level > 1; level--)
            {
                ulong slot = table + (((iova >> (12 + (9 * (level - 1)))) & 0x1FF) * 8);
                ulong next = GuestFlRoot + ((ulong)(5 - level) * 0x1000);
                Assert.True(Rig.Memory.TryWrite64(GuestRamHost + slot, next | FlTable));
                table = next;
            }

            ulong leaf = table + (((iova >> 12) & 0x1FF) * 8);
            Assert.True(Rig.Memory.TryWrite64(GuestRamHost + leaf, gpa | FlLeaf));
            return leaf;
        }

        public byte HostByte(ulong gpa)
        {
            byte[] b = new byte[1];
            Assert.True(Rig.Memory.TryRead(GuestRamHost + gpa, b));
            return b[0];
        }
    }
}
