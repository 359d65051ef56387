namespace VtdEmu.Iommu;

/// <summary>
/// <c>struct iommu_group</c> (spec-notes/iommu-core.md "Groups, devices and domains"): the devices that cannot be
/// isolated from each other, the domain they all use, and who owns their DMA. Every change happens under the group's
/// lock (<see cref="SyncRoot"/>); read the properties from another thread only when no call on the group is in flight.
/// </summary>
public sealed class IommuGroup
{
    private readonly List<IommuDevice> _attachers = [];

    internal IommuGroup(IommuCore core, int id)
    {
        Core = core;
        Id = id;
    }

    /// <summary>The group number.</summary>
    public int Id { get; }

    /// <summary>Member devices in attach order.</summary>
    public IReadOnlyList<IommuDevice> Devices => DeviceList;

    /// <summary>The domain the kernel DMA API uses (IDENTITY, DMA or DMA_FQ); null before setup and after the group empties.</summary>
    public IommuDomain? DefaultDomain { get; internal set; }

    /// <summary>The cached blocking domain (created on the first ownership claim).</summary>
    public IommuDomain? BlockingDomain { get; internal set; }

    /// <summary>The domain currently programmed for every member.</summary>
    public IommuDomain? Domain { get; internal set; }

    /// <summary>The DMA owner token; null = not claimed.</summary>
    public object? Owner { get; internal set; }

    /// <summary>
    /// <c>owner_cnt</c>, overloaded as in the kernel: with no owner, the number of bound DMA-API drivers; with an
    /// owner, the number of device-level claims (a group claim counts 1).
    /// </summary>
    public uint OwnerCnt { get; internal set; }

    /// <summary>
    /// <c>attach_cnt</c> of the attach-count policy (<see cref="IommuAttachPolicy.AttachCount"/>): how many
    /// attach_device calls hold the current domain. Always 0 under the other policies.
    /// </summary>
    public uint AttachCnt { get; internal set; }

    /// <summary>
    /// The devices whose <see cref="IommuCore.AttachDevice"/> put the group on its current domain (empty when the
    /// domain was set any other way: default, blocking, group attach, replace). Cleared on every domain change; a
    /// device leaves it when its driver unbinds.
    /// </summary>
    public IReadOnlyList<IommuDevice> DomainAttachedBy => _attachers;

    /// <summary>Number of entries in <c>pasid_array</c> (PASID attachments and the group handle at PASID 0).</summary>
    public int PasidCount => PasidArray.Count;

    /// <summary>True once the last device left; the group is then dead.</summary>
    public bool IsEmpty => DeviceList.Count == 0;

    internal IommuCore Core { get; }

    internal Lock SyncRoot { get; } = new();

    internal List<IommuDevice> DeviceList { get; } = [];

    internal Dictionary<uint, PasidEntry> PasidArray { get; } = [];

    /// <summary>The domain attached at <paramref name="pasid"/>, or null.</summary>
    public IommuDomain? GetPasidDomain(uint pasid) =>
        PasidArray.TryGetValue(pasid, out PasidEntry entry) ? entry.Domain : null;

    /// <inheritdoc/>
    public override string ToString() => $"iommu group {Id}";

    internal void AddAttacher(IommuDevice device)
    {
        if (!_attachers.Contains(device))
        {
            _attachers.Add(device);
        }
    }

    internal void RemoveAttacher(IommuDevice device) => _attachers.Remove(device);

    internal void ClearAttachers() => _attachers.Clear();

    /// <summary>One <c>pasid_array</c> slot: the domain (null while reserved) and the caller's handle.</summary>
    internal readonly record struct PasidEntry(IommuDomain? Domain, object? Handle);
}
