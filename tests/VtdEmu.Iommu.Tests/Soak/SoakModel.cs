namespace VtdEmu.Iommu.Tests.Soak;

/// <summary>
/// The soak's model of one core: what every group, device and domain must be, and which errno each call must return,
/// written from the rules (spec-notes/iommu-core.md "Rules we model" and spec-notes/ownership-policies.md), not from
/// the code. Domains: -1 = the group's default domain, -2 = its blocking domain, n ≥ 0 = allocated domain n.
/// </summary>
internal sealed class SoakModel
{
    public const int Default = -1;
    public const int Blocking = -2;

    public SoakModel(IommuAttachPolicy policy) => Policy = policy;

    public IommuAttachPolicy Policy { get; }

    /// <summary>Groups: 0 = {A, B}, 1 = {C}.</summary>
    public GroupModel[] Groups { get; } = [new GroupModel(2), new GroupModel(1)];

    /// <summary>Per device: bound, and bound with driver_managed_dma.</summary>
    public (bool Bound, bool Managed)[] Devices { get; } = new (bool, bool)[3];

    public List<DomainModel> Domains { get; } = [];

    public int Warns { get; set; }

    public static int GroupOf(int device) => device < 2 ? 0 : 1;

    public int Users(int domain) => Groups.Count(g => g.Domain == domain);

    public LinuxError Bind(int dev, bool managed)
    {
        if (Devices[dev].Bound)
        {
            return LinuxError.EBUSY;
        }

        GroupModel g = Groups[GroupOf(dev)];
        if (!managed)
        {
            if (g.OwnerCnt != 0 && (g.Domain != Default || g.Owner >= 0))
            {
                return LinuxError.EBUSY;
            }

            g.OwnerCnt++;
        }

        Devices[dev] = (true, managed);
        return LinuxError.Success;
    }

    public void Unbind(int dev)
    {
        if (!Devices[dev].Bound)
        {
            return;
        }

        GroupModel g = Groups[GroupOf(dev)];
        if (!Devices[dev].Managed)
        {
            if (g.OwnerCnt == 0)
            {
                Warns++;
            }
            else
            {
                g.OwnerCnt--;
            }
        }

        g.Attachers.Remove(dev);
        Devices[dev] = (false, false);
    }

    public LinuxError GroupClaim(int group, int token)
    {
        GroupModel g = Groups[group];
        if (token < 0)
        {
            Warns++;
            return LinuxError.EINVAL;
        }

        return g.OwnerCnt != 0 ? LinuxError.EPERM : TakeOwnership(g, token);
    }

    public void GroupRelease(int group) => ReleaseOwnership(Groups[group]);

    public LinuxError DeviceClaim(int dev, int token)
    {
        GroupModel g = Groups[GroupOf(dev)];
        if (token < 0)
        {
            Warns++;
            return LinuxError.EINVAL;
        }

        if (g.OwnerCnt != 0)
        {
            if (g.Owner != token)
            {
                return LinuxError.EPERM;
            }

            g.OwnerCnt++;
            return LinuxError.Success;
        }

        return TakeOwnership(g, token);
    }

    public void DeviceRelease(int dev)
    {
        GroupModel g = Groups[GroupOf(dev)];
        if (g.OwnerCnt > 1)
        {
            g.OwnerCnt--;
            return;
        }

        ReleaseOwnership(g);
    }

    public LinuxError Free(int domain)
    {
        if (Users(domain) != 0)
        {
            Warns++;
            return LinuxError.EBUSY;
        }

        Domains[domain].Freed = true;
        return LinuxError.Success;
    }

    public LinuxError AttachDevice(int domain, int dev)
    {
        GroupModel g = Groups[GroupOf(dev)];
        if (Policy == IommuAttachPolicy.Mainline)
        {
            LinuxError r = g.Size != 1 ? LinuxError.EINVAL : AttachGroup(domain, g);
            if (r == LinuxError.Success)
            {
                g.Attachers.Add(dev);
            }

            return r;
        }

        if (Policy == IommuAttachPolicy.AttachCount)
        {
            if (g.OwnerCnt != 0 && ((g.Domain == Default && g.Size != 1) || g.Owner >= 0))
            {
                return LinuxError.EBUSY;
            }

            if (g.AttachCnt == 0)
            {
                LinuxError r = AttachGroup(domain, g);
                if (r != LinuxError.Success)
                {
                    return r;
                }
            }
            else if (g.Domain != domain)
            {
                return LinuxError.EPERM;
            }

            g.OwnerCnt++;
            g.AttachCnt++;
            g.Attachers.Add(dev);
            return LinuxError.Success;
        }

        // driver-flag
        if (!Devices[dev].Bound)
        {
            return LinuxError.EINVAL;
        }

        if (!Devices[dev].Managed)
        {
            if (g.OwnerCnt > 1 || g.Owner >= 0)
            {
                return LinuxError.EBUSY;
            }

            LinuxError r = AttachGroup(domain, g);
            if (r == LinuxError.Success)
            {
                g.Attachers.Add(dev);
            }

            return r;
        }

        if (g.OwnerCnt == 0)
        {
            LinuxError r = AttachGroup(domain, g);
            if (r != LinuxError.Success)
            {
                return r;
            }
        }
        else if (g.Owner >= 0 || g.Domain != domain)
        {
            return LinuxError.EBUSY;
        }

        g.OwnerCnt++;
        g.Attachers.Add(dev);
        return LinuxError.Success;
    }

    public void DetachDevice(int domain, int dev)
    {
        GroupModel g = Groups[GroupOf(dev)];
        if (Policy == IommuAttachPolicy.Mainline)
        {
            if (domain != g.Domain || g.Size != 1)
            {
                Warns++;
                return;
            }

            SetCore(g);
            return;
        }

        if (Policy == IommuAttachPolicy.AttachCount)
        {
            if (g.AttachCnt == 0 || g.OwnerCnt == 0 || g.Domain != domain)
            {
                Warns++;
                return;
            }

            g.AttachCnt--;
            g.OwnerCnt--;
            g.Attachers.Remove(dev);
            if (g.AttachCnt == 0)
            {
                SetCore(g);
            }

            return;
        }

        if (!Devices[dev].Bound || domain != g.Domain)
        {
            Warns++;
            return;
        }

        if (!Devices[dev].Managed)
        {
            SetCore(g);
            return;
        }

        if (g.OwnerCnt == 0 || g.Owner >= 0)
        {
            Warns++;
            return;
        }

        g.OwnerCnt--;
        g.Attachers.Remove(dev);
        if (g.OwnerCnt == 0)
        {
            SetCore(g);
        }
    }

    /// <summary>AttachGroup: a caller domain already attached → EBUSY (even the same one).</summary>
    public LinuxError AttachGroup(int domain, GroupModel g)
    {
        if (g.Domain >= 0)
        {
            return LinuxError.EBUSY;
        }

        Switch(g, domain);
        return LinuxError.Success;
    }

    public void DetachGroup(GroupModel g) => SetCore(g);

    public LinuxError Replace(int domain, GroupModel g)
    {
        Switch(g, domain);
        return LinuxError.Success;
    }

    public LinuxError Map(int domain, ulong iova, ulong pa)
    {
        if (!Domains[domain].Mappings.TryAdd(iova, pa))
        {
            return LinuxError.EADDRINUSE;
        }

        return LinuxError.Success;
    }

    public ulong Unmap(int domain, ulong iova) => Domains[domain].Mappings.Remove(iova) ? 0x1000UL : 0;

    private LinuxError TakeOwnership(GroupModel g, int token)
    {
        if (g.Domain != Default)
        {
            return LinuxError.EBUSY;
        }

        Switch(g, Blocking);
        g.Owner = token;
        g.OwnerCnt = 1;
        return LinuxError.Success;
    }

    private void ReleaseOwnership(GroupModel g)
    {
        if (g.OwnerCnt == 0 || g.Owner < 0)
        {
            Warns++;
            return;
        }

        g.OwnerCnt = 0;
        g.Owner = -1;
        Switch(g, Default);
    }

    private static void SetCore(GroupModel g) => Switch(g, g.Owner >= 0 ? Blocking : Default);

    private static void Switch(GroupModel g, int domain)
    {
        if (g.Domain != domain)
        {
            g.Domain = domain;
            g.Attachers.Clear();
        }
    }

    internal sealed class GroupModel(int size)
    {
        public int Size { get; } = size;

        public int Owner { get; set; } = -1;

        public uint OwnerCnt { get; set; }

        public uint AttachCnt { get; set; }

        public int Domain { get; set; } = Default;

        public HashSet<int> Attachers { get; } = [];
    }

    internal sealed class DomainModel
    {
        public bool Freed { get; set; }

        public Dictionary<ulong, ulong> Mappings { get; } = [];
    }
}
