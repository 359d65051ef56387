using System.Globalization;

namespace VtdEmu.Workloads.Ownership;

/// <summary>One finding of an <see cref="IsolationChecker"/>.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="GroupId">The IOMMU group's id.</param>
/// <param name="Device">The device concerned (its name), or empty for a whole-group finding.</param>
/// <param name="Iova">The probe address for DMA findings, else 0.</param>
/// <param name="Detail">A one-line explanation with the values seen.</param>
public sealed record IsolationViolation(IsolationViolationKind Kind, int GroupId, string Device, ulong Iova, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => Iova == 0 && Kind is IsolationViolationKind.OwnerCountLeak or IsolationViolationKind.DmaApiDriverOffDefaultDomain
        ? string.Create(CultureInfo.InvariantCulture, $"{Kind}: group {GroupId} {Device}: {Detail}")
        : string.Create(CultureInfo.InvariantCulture, $"{Kind}: group {GroupId} {Device} iova 0x{Iova:x}: {Detail}");
}
