using System.Globalization;
using VtdEmu.Iommu.Intel;
using VtdEmu.Iommu.Tests.Intel;
using VtdEmu.Iommu.Topology;
using VtdEmu.Registers;

namespace VtdEmu.Iommu.Tests.Soak;

/// <summary>
/// Two cores, each over its own VT-d unit of one configuration (Intel driver, own platform; legacy or scalable mode), each with group {A, B} (two functions without
/// ACS) and singleton {C}, under one attach policy, shadowed by a <see cref="SoakModel"/> per core. <see cref="Apply"/>
/// runs one call and then checks: the errno is the model's; every group, device and domain is in the model's state
/// (so a refused call changed nothing); no object of one core reached the other; every device's DMA lands where its
/// group's current domain says, or faults. Throws on the first difference.
/// </summary>
internal sealed class SoakWorld
{
    public const ulong IovaBase = 0x10_0000;
    public const int Pages = 4;
    private const int MaxDomains = 6;

    private readonly IntelRig[] _rigs = new IntelRig[2];
    private readonly SoakModel[] _models = new SoakModel[2];
    private readonly List<IommuDomain>[] _domains = [[], []];
    private readonly object[] _tokens = [new(), new()];
    private ulong _stamp;

    public SoakWorld(IommuAttachPolicy policy, UnitConfiguration unit)
    {
        for (int c = 0; c < 2; c++)
        {
            PciTopology t = new();
            PciTopologyNode rp = t.AddRootPort(new PciBdf(0, 0x1C, 0), acs: true, name: "RP");
            t.AddEndpoint(rp, new PciBdf(1, 0, 0), name: "A");
            t.AddEndpoint(rp, new PciBdf(1, 0, 1), name: "B");
            PciTopologyNode rp2 = t.AddRootPort(new PciBdf(0, 0x1D, 0), acs: true, name: "RP2");
            t.AddEndpoint(rp2, new PciBdf(2, 0, 0), name: "C");
            _rigs[c] = IntelRig.Boot(unit, t, IommuDmaPolicy.Strict, attachPolicy: policy);
            _models[c] = new SoakModel(policy);
        }

        for (int i = 0; i < 4; i++)
        {
            Apply(new SoakOp(SoakOpKind.Alloc, i % 2, i % 2, 0, 0, 0, 0));
        }
    }

    public void Apply(SoakOp op)
    {
        IommuCore core = _rigs[op.Core].Core;
        SoakModel model = _models[op.Core];
        bool foreign = op.Core != op.Target;
        IommuDevice dev = Dev(op.Target, op.Device);
        IommuGroup group = dev.Group!;
        int gi = SoakModel.GroupOf(op.Device);
        int dom = LiveDomain(op.Target, op.Domain);
        IommuDomain? domain = dom >= 0 ? _domains[op.Target][dom] : null;
        object? token = op.Token < 2 ? _tokens[op.Token] : null;
        int tok = op.Token < 2 ? op.Token : -1;
        ulong iova = IovaBase + ((ulong)op.Page * 0x1000);
        LinuxError expected;
        LinuxError actual;
        switch (op.Kind)
        {
            case SoakOpKind.Bind:
            case SoakOpKind.BindManaged:
                bool managed = op.Kind == SoakOpKind.BindManaged;
                actual = core.BindDriver(dev, managed);
                expected = foreign ? LinuxError.ENODEV : model.Bind(op.Device, managed);
                break;
            case SoakOpKind.Unbind:
                core.UnbindDriver(dev);
                expected = actual = LinuxError.Success;
                Void(model, foreign, () => model.Unbind(op.Device));
                break;
            case SoakOpKind.GroupClaim:
                actual = core.GroupClaimDmaOwner(group, token);
                expected = foreign ? LinuxError.EINVAL : model.GroupClaim(gi, tok);
                break;
            case SoakOpKind.GroupRelease:
                core.GroupReleaseDmaOwner(group);
                expected = actual = LinuxError.Success;
                Void(model, foreign, () => model.GroupRelease(gi));
                break;
            case SoakOpKind.DeviceClaim:
                actual = core.DeviceClaimDmaOwner(dev, token);
                expected = foreign ? LinuxError.ENODEV : model.DeviceClaim(op.Device, tok);
                break;
            case SoakOpKind.DeviceRelease:
                core.DeviceReleaseDmaOwner(dev);
                expected = actual = LinuxError.Success;
                Void(model, foreign, () => model.DeviceRelease(op.Device));
                break;
            case SoakOpKind.Alloc:
                if (foreign || _domains[op.Core].Count >= MaxDomains)
                {
                    return;
                }

                actual = core.PagingDomainAlloc(dev, IommuAllocFlags.None, out IommuDomain? fresh);
                expected = LinuxError.Success;
                if (fresh is not null)
                {
                    _domains[op.Core].Add(fresh);
                    model.Domains.Add(new SoakModel.DomainModel());
                }

                break;
            case SoakOpKind.RemoveForeign:
                actual = _rigs[op.Core].Core.RemoveDevice(Dev(1 - op.Core, op.Device));
                expected = LinuxError.ENODEV;
                break;
            default:
                if (domain is null)
                {
                    return;
                }

                (expected, actual) = ApplyDomainOp(op, core, model, foreign, dev, group, gi, dom, domain, iova);
                break;
        }

        Assert.True(expected == actual, $"{op}: returned {actual}, the rules say {expected}");
        Check();
    }

    /// <summary>Unbinds and releases everything, then checks that every count is back to 0 on the default domain.</summary>
    public void ReleaseAll()
    {
        for (int c = 0; c < 2; c++)
        {
            for (int d = 0; d < 3; d++)
            {
                IommuDevice dev = Dev(c, d);
                _rigs[c].Core.UnbindDriver(dev);
                _models[c].Unbind(d);
                while (dev.Group!.Owner is not null)
                {
                    _rigs[c].Core.DeviceReleaseDmaOwner(dev);
                    _models[c].DeviceRelease(d);
                }

                _rigs[c].Core.DetachGroup(null, dev.Group);
                _models[c].DetachGroup(_models[c].Groups[SoakModel.GroupOf(d)]);
            }

            Check();
            foreach (IommuGroup g in new[] { Dev(c, 0).Group!, Dev(c, 2).Group! })
            {
                // attach_count and driver-flag can strand owner_cnt (spec-notes/ownership-policies.md); the model
                // says by how much, and mainline must come back to exactly 0.
                if (_rigs[c].Core.AttachPolicy == IommuAttachPolicy.Mainline)
                {
                    Assert.Equal(0u, g.OwnerCnt);
                }

                Assert.Same(g.DefaultDomain, g.Domain);
            }
        }
    }

    private (LinuxError Expected, LinuxError Actual) ApplyDomainOp(SoakOp op, IommuCore core, SoakModel model, bool foreign, IommuDevice dev, IommuGroup group, int gi, int dom, IommuDomain domain, ulong iova)
    {
        SoakModel.GroupModel g = model.Groups[gi];
        switch (op.Kind)
        {
            case SoakOpKind.Free:
                return (foreign ? LinuxError.EINVAL : model.Free(dom), core.DomainFree(domain));
            case SoakOpKind.AttachDevice:
                return (foreign ? LinuxError.ENODEV : model.AttachDevice(dom, op.Device), core.AttachDevice(domain, dev));
            case SoakOpKind.DetachDevice:
                core.DetachDevice(domain, dev);
                Void(model, foreign, () => model.DetachDevice(dom, op.Device));
                return (LinuxError.Success, LinuxError.Success);
            case SoakOpKind.AttachGroup:
                return (foreign ? LinuxError.EINVAL : model.AttachGroup(dom, g), core.AttachGroup(domain, group));
            case SoakOpKind.DetachGroup:
                core.DetachGroup(domain, group);
                Void(model, foreign, () => model.DetachGroup(g));
                return (LinuxError.Success, LinuxError.Success);
            case SoakOpKind.Replace:
                return (foreign ? LinuxError.EINVAL : model.Replace(dom, g), core.GroupReplaceDomain(group, domain));
            case SoakOpKind.Map:
                ulong pa = 0x0400_0000 + ((ulong)dom * 0x1_0000) + ((ulong)op.Page * 0x1000);
                return (foreign ? LinuxError.EINVAL : model.Map(dom, iova, pa), core.Map(domain, iova, pa, 0x1000, IommuProt.Read | IommuProt.Write));
            case SoakOpKind.Unmap:
                ulong unmapped = core.Unmap(domain, iova, 0x1000);
                ulong want = foreign ? 0 : model.Unmap(dom, iova);
                return (want == unmapped ? LinuxError.Success : LinuxError.EIO, LinuxError.Success);
            default:
                return AttachPasidRoundTrip(core, foreign, dev, group, domain);
        }
    }

    /// <summary>
    /// iommu_attach_device_pasid then iommu_detach_device_pasid on PASID 1. The soak's devices report no PASIDs
    /// (max_pasids 0), so the core skips every member and the attach succeeds whenever the objects are this core's; the
    /// pasid_array entry it leaves would block ownership changes, so the op detaches at once and the group must
    /// be back where it was.
    /// </summary>
    private static (LinuxError Expected, LinuxError Actual) AttachPasidRoundTrip(IommuCore core, bool foreign, IommuDevice dev, IommuGroup group, IommuDomain domain)
    {
        LinuxError expected = foreign ? LinuxError.ENODEV : LinuxError.Success;
        LinuxError actual = core.AttachDevicePasid(domain, dev, 1);
        if (actual == LinuxError.Success)
        {
            Assert.Same(domain, group.GetPasidDomain(1));
            core.DetachDevicePasid(domain, dev, 1);
        }

        Assert.Equal(0, group.PasidCount);
        return (expected, actual);
    }

    /// <summary>A void call: with a foreign object the core WARNs and changes nothing; else the model's rule.</summary>
    private static void Void(SoakModel model, bool foreign, Action rule)
    {
        if (foreign)
        {
            model.Warns++;
        }
        else
        {
            rule();
        }
    }

    private void Check()
    {
        for (int c = 0; c < 2; c++)
        {
            IommuCore core = _rigs[c].Core;
            SoakModel model = _models[c];
            Assert.Equal(model.Warns, core.Diagnostics.WarnCount);
            for (int d = 0; d < 3; d++)
            {
                IommuDevice dev = Dev(c, d);
                Assert.Equal(model.Devices[d], (dev.IsDriverBound, dev.BoundDriverManagedDma));
            }

            for (int gi = 0; gi < 2; gi++)
            {
                IommuGroup g = Dev(c, gi == 0 ? 0 : 2).Group!;
                SoakModel.GroupModel m = model.Groups[gi];
                string where = $"core {c} group {gi}";
                Assert.True(m.Owner < 0 ? g.Owner is null : g.Owner == _tokens[m.Owner], $"{where}: owner");
                Assert.True(m.OwnerCnt == g.OwnerCnt, $"{where}: owner_cnt {g.OwnerCnt}, model {m.OwnerCnt}");
                Assert.True(m.AttachCnt == g.AttachCnt, $"{where}: attach_cnt {g.AttachCnt}, model {m.AttachCnt}");
                Assert.True(DomainOf(c, g) == m.Domain, $"{where}: domain {DomainOf(c, g)}, model {m.Domain}");
                Assert.Equal(m.Attachers.Order().Select(i => "ABC"[i]), g.DomainAttachedBy.Select(x => x.Name[0]).Order());
                CheckDma(c, g, m);
            }

            for (int i = 0; i < _domains[c].Count; i++)
            {
                Assert.Equal(model.Domains[i].Freed, _domains[c][i].IsFreed);
                Assert.Equal(model.Domains[i].Freed ? 0 : model.Users(i), _domains[c][i].Users);
            }
        }
    }

    /// <summary>Every member writes a fresh stamp at every page: it lands at the model domain's address or faults.</summary>
    private void CheckDma(int c, IommuGroup g, SoakModel.GroupModel m)
    {
        Dictionary<ulong, ulong> mappings = m.Domain >= 0 ? _models[c].Domains[m.Domain].Mappings : [];
        foreach (IommuDevice dev in g.Devices)
        {
            PciEndpoint endpoint = _rigs[c].Platform.AddDevice(dev.Bdf.SourceId);
            for (int p = 0; p < Pages; p++)
            {
                ulong iova = IovaBase + ((ulong)p * 0x1000);
                byte[] stamp = BitConverter.GetBytes(++_stamp);
                DmaResult r = endpoint.Write(iova, stamp);
                string where = string.Create(CultureInfo.InvariantCulture, $"core {c} {dev.Name} iova 0x{iova:x}");
                if (mappings.TryGetValue(iova, out ulong pa))
                {
                    Assert.True(r.IsCompleted, $"{where}: {r}, the domain maps it to 0x{pa:x}");
                    byte[] landed = new byte[8];
                    Assert.True(_rigs[c].Memory.TryRead(pa, landed));
                    Assert.True(stamp.AsSpan().SequenceEqual(landed), $"{where}: did not land at 0x{pa:x}");
                }
                else
                {
                    Assert.True(r.Status == DmaStatus.Faulted, $"{where}: {r}, the group's domain has no mapping");
                }
            }
        }
    }

    private int DomainOf(int c, IommuGroup g)
    {
        if (g.Domain == g.DefaultDomain)
        {
            return SoakModel.Default;
        }

        if (g.Domain == g.BlockingDomain)
        {
            return SoakModel.Blocking;
        }

        int i = _domains[c].IndexOf(g.Domain!);
        Assert.True(i >= 0, $"core {c}: a group is on a domain this core did not allocate");
        return i;
    }

    /// <summary>The index of a live allocated domain near <paramref name="pick"/>, or -1 when there is none.</summary>
    private int LiveDomain(int c, int pick)
    {
        List<IommuDomain> list = _domains[c];
        for (int k = 0; k < list.Count; k++)
        {
            int i = (pick + k) % list.Count;
            if (!list[i].IsFreed)
            {
                return i;
            }
        }

        return -1;
    }

    private IommuDevice Dev(int c, int d) => _rigs[c].Dev(((char)('A' + d)).ToString());
}
