namespace VtdEmu.Iommu;

/// <summary>
/// The rules for <c>iommu_attach_device</c> / <c>iommu_detach_device</c> — the one place where the variants discussed
/// in the January 2022 review of "iommu: Extend iommu_at[de]tach_device() for multi-device groups" differ
/// (spec-notes/ownership-policies.md). Everything else (bind/unbind, claim/release, group attach, PASIDs) is common.
/// Pick one with <see cref="TryParse"/> or the static members and pass it to <see cref="IommuCore(IommuDmaPolicy, IommuAttachPolicy, IIommuDriver[])"/>.
/// </summary>
public abstract class IommuAttachPolicy
{
    private protected IommuAttachPolicy(string name) => Name = name;

    /// <summary>Mainline Linux (the default): attach_device only on a singleton group (EINVAL otherwise).</summary>
    public static IommuAttachPolicy Mainline { get; } = new MainlineAttachPolicy();

    /// <summary>
    /// The patch as posted: attach_device on a multi-device group counted by <c>attach_cnt</c>; only UNMANAGED
    /// domains; EBUSY when the group is owned or a multi-device group is in DMA-API use; the same domain from several
    /// devices is fine, another one EPERM; each attach raises owner_cnt; the last detach detaches the group.
    /// </summary>
    public static IommuAttachPolicy AttachCount { get; } = new AttachCountAttachPolicy();

    /// <summary>
    /// The reviewer's proposal: the calling context is the bound driver's <c>driver_managed_dma</c> flag. A DMA-API
    /// driver may switch the group out of DMA-API mode when it is the only user (else EBUSY); driver-managed callers
    /// share one domain counted in owner_cnt.
    /// </summary>
    public static IommuAttachPolicy DriverFlag { get; } = new DriverFlagAttachPolicy();

    /// <summary>The three policies, mainline first.</summary>
    public static IReadOnlyList<IommuAttachPolicy> All { get; } = [Mainline, AttachCount, DriverFlag];

    /// <summary>The name used on command lines and in scenario files: <c>mainline</c>, <c>attach-count</c>, <c>driver-flag</c>.</summary>
    public string Name { get; }

    /// <summary>The policy called <paramref name="name"/> (case-insensitive); false for an unknown name.</summary>
    public static bool TryParse(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IommuAttachPolicy? policy)
    {
        foreach (IommuAttachPolicy p in All)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                policy = p;
                return true;
            }
        }

        policy = null;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary><c>iommu_attach_device</c> for a device and domain already checked to belong to <paramref name="core"/>.</summary>
    internal abstract LinuxError AttachDevice(IommuCore core, IommuDomain domain, IommuDevice device);

    /// <summary><c>iommu_detach_device</c> (void: refusals are WARNs) for objects of <paramref name="core"/>.</summary>
    internal abstract void DetachDevice(IommuCore core, IommuDomain domain, IommuDevice device);
}
