using VtdEmu.Workloads.Scenarios;
using System.Globalization;

namespace VtdEmu.Workloads.Traces;

/// <summary>One line of a DMA trace: <c>BDF IOVA LEN R|W</c>.</summary>
/// <param name="Device">The requester.</param>
/// <param name="Iova">The I/O virtual address.</param>
/// <param name="Length">Bytes transferred (0 to <see cref="ScenarioParser.MaxDmaLength"/>).</param>
/// <param name="Direction">Read or write.</param>
public readonly record struct TraceAccess(PciBdf Device, ulong Iova, uint Length, DmaDirection Direction)
{
    /// <summary>The trace line for this access, e.g. <c>00:03.0 0x1000 64 R</c>.</summary>
    public override string ToString() =>
        $"{Device} {ScenarioNumber.FormatAddress(Iova)} {Length.ToString(CultureInfo.InvariantCulture)} {(Direction == DmaDirection.Read ? 'R' : 'W')}";
}
