namespace VtdEmu.Workloads.Ownership;

/// <summary>What an <see cref="IsolationChecker"/> found (spec-notes/ownership-policies.md, "The isolation checker").</summary>
public enum IsolationViolationKind
{
    /// <summary>Two devices of one group had a probe DMA translated differently: the group is not one address space.</summary>
    SplitAddressSpace,

    /// <summary>
    /// A device whose bound driver uses the DMA API (no <c>driver_managed_dma</c>) sits in a group that a claiming user
    /// or another device's driver moved off its default domain: the driver's DMA mappings no longer apply.
    /// </summary>
    DmaApiDriverOffDefaultDomain,

    /// <summary>The hardware still served a translation of a domain the group has left (a missing invalidation).</summary>
    StaleTranslation,

    /// <summary>
    /// A group with nothing holding it (no driver bound, no owner, no PASID) whose owner_cnt
    /// (or attach_cnt) is not 0: it can never be claimed again.
    /// </summary>
    OwnerCountLeak,
}
