namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Nested domains (Linux <c>intel/nested.c</c>, <c>intel_pasid_setup_nested</c> / <c>intel_pasid_replace_nested</c>;
/// VT-d spec §3.8 nested translation, §9.6 PASID-table entry PGTT 011; spec-notes/nested-domains.md).
/// </summary>
public sealed partial class IntelIommuDriver
{
    /// <summary>
    /// <c>intel_iommu_domain_alloc_nested</c>: no nesting (scalable mode with ECAP.NEST) or flags other than PASID →
    /// EOPNOTSUPP; a parent that is not this driver's second-level domain allocated with NEST_PARENT → EINVAL; unknown
    /// IOMMU_VTD_S1 flags or a non-zero reserved field → EINVAL (our choice, spec-notes/nested-domains.md). The
    /// first level's width and flags are checked against the unit at attach, as Linux does.
    /// </summary>
    public LinuxError DomainAllocNested(IommuDevice device, IIommuDomainOps parent, IommuAllocFlags flags, in IommuHwptVtdS1 data, out IIommuDomainOps? domain)
    {
        domain = null;
        if (!(ScalableMode && Caps.NEST) || (flags & ~IommuAllocFlags.Pasid) != 0)
        {
            return LinuxError.EOPNOTSUPP;
        }

        const IommuVtdS1Flags Known = IommuVtdS1Flags.SRE | IommuVtdS1Flags.EAFE | IommuVtdS1Flags.WPE;
        if (parent is not IntelPagingDomain s2 || !s2.IsOwnedBy(this) || s2.FirstLevel || !s2.NestParent
            || (data.Flags & ~Known) != 0 || data.Reserved != 0)
        {
            return LinuxError.EINVAL;
        }

        IntelNestedDomain nested = new(this, s2, data);
        s2.AddChild(nested);
        domain = nested;
        return LinuxError.Success;
    }

    /// <summary>
    /// <c>intel_nested_attach_dev</c>: the first level's configuration is checked first (our order: refused before the
    /// device's current translation is touched), then block, DID, and a new PGTT 011 RID_PASID entry.
    /// </summary>
    internal LinuxError AttachNested(IommuDevice device, IntelNestedDomain domain)
    {
        lock (_lock)
        {
            if (device.DriverData is not IntelDeviceInfo info)
            {
                return LinuxError.ENODEV;
            }

            LinuxError r = CheckNestedConfig(domain);
            if (r != LinuxError.Success)
            {
                return r;
            }

            BlockTranslation(info);
            return AttachRidPasid(info, domain, domain.PasidEntry);
        }
    }

    /// <summary>
    /// <c>intel_nested_set_dev_pasid</c>: PASID support (EOPNOTSUPP), a dirty-tracking parent (EINVAL), the first-level
    /// checks, then the entry is installed or replaced as for paging domains.
    /// </summary>
    internal LinuxError SetPasidNested(IommuDevice device, uint pasid, IntelNestedDomain domain)
    {
        lock (_lock)
        {
            LinuxError r = CheckPasidDevice(device, out IntelDeviceInfo? info);
            if (r != LinuxError.Success)
            {
                return r;
            }

            r = domain.Parent.DirtyTracking ? LinuxError.EINVAL : CheckNestedConfig(domain);
            return r != LinuxError.Success ? r : InstallPasid(info!, pasid, domain, domain.PasidEntry);
        }
    }

    // Linux intel_pasid_setup_nested: addr_width 48, or 57 with CAP.FL5LP; SRE needs ECAP.SRS; EAFE needs ECAP.EAFS.
    private LinuxError CheckNestedConfig(IntelNestedDomain domain)
    {
        IommuHwptVtdS1 c = domain.Config;
        bool width = c.AddrWidth == IommuHwptVtdS1.AddrWidth4Level || (c.AddrWidth == IommuHwptVtdS1.AddrWidth5Level && Caps.FL5LP);
        bool sre = (c.Flags & IommuVtdS1Flags.SRE) == 0 || Caps.SRS;
        bool eafe = (c.Flags & IommuVtdS1Flags.EAFE) == 0 || Caps.EAFS;
        return width && sre && eafe ? LinuxError.Success : LinuxError.EINVAL;
    }
}
