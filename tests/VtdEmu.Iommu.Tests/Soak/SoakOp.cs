namespace VtdEmu.Iommu.Tests.Soak;

/// <summary>The public calls the soak drives.</summary>
internal enum SoakOpKind
{
    Bind,
    BindManaged,
    Unbind,
    GroupClaim,
    GroupRelease,
    DeviceClaim,
    DeviceRelease,
    Alloc,
    Free,
    AttachDevice,
    DetachDevice,
    AttachGroup,
    DetachGroup,
    Replace,
    Map,
    Unmap,
    AttachPasid,
    RemoveForeign,
}

/// <summary>
/// One call: <see cref="Core"/> is the core called; <see cref="Target"/> the core whose device/group/domain is passed
/// (the other one makes a foreign-object call); <see cref="Device"/> 0–2 (A, B, C), <see cref="Domain"/> an index
/// into the target core's allocated domains, <see cref="Token"/> 0–2 (2 = null), <see cref="Page"/> 0–3.
/// </summary>
internal readonly record struct SoakOp(SoakOpKind Kind, int Core, int Target, int Device, int Domain, int Token, int Page)
{
    public override string ToString() => $"{Kind}(core {Core}, of core {Target}, dev {"ABC"[Device]}, dom {Domain}, tok {Token}, page {Page})";
}
