namespace VtdEmu.Dmar;

/// <summary>DRHD, a DMA-remapping hardware unit definition (VT-d spec §8.3): one remapping unit and the devices it covers.</summary>
/// <param name="Offset">Byte offset of the structure in the table.</param>
/// <param name="IncludePciAll">Flags bit 0 (INCLUDE_PCI_ALL): every PCI device of the segment not named by another DRHD.</param>
/// <param name="Size">Register set size: 2^Size 4 KiB pages.</param>
/// <param name="Segment">PCI segment.</param>
/// <param name="RegisterBase">Base address of the unit's registers.</param>
/// <param name="Scopes">Device scopes (with INCLUDE_PCI_ALL only I/O APIC, HPET and ACPI devices).</param>
public sealed record DmarDrhd(int Offset, bool IncludePciAll, int Size, ushort Segment, ulong RegisterBase, IReadOnlyList<DeviceScope> Scopes);

/// <summary>RMRR, a reserved memory region (VT-d spec §8.4): memory the named devices may DMA to before and after the OS takes over; software maps it identity.</summary>
/// <param name="Offset">Byte offset of the structure.</param>
/// <param name="Segment">PCI segment.</param>
/// <param name="Base">First byte (4 KiB aligned).</param>
/// <param name="Limit">Last byte (4 KiB aligned + 0xFFF).</param>
/// <param name="Scopes">The devices that use the region.</param>
public sealed record DmarRmrr(int Offset, ushort Segment, ulong Base, ulong Limit, IReadOnlyList<DeviceScope> Scopes);

/// <summary>ATSR, root-port ATS capability (VT-d spec §8.5): which root ports let endpoints below them use ATS.</summary>
/// <param name="Offset">Byte offset of the structure.</param>
/// <param name="AllPorts">Flags bit 0 (ALL_PORTS): every root port of the segment.</param>
/// <param name="Segment">PCI segment.</param>
/// <param name="Scopes">The root ports (sub-hierarchy scopes).</param>
public sealed record DmarAtsr(int Offset, bool AllPorts, ushort Segment, IReadOnlyList<DeviceScope> Scopes);

/// <summary>SATC, SoC-integrated address translation cache (VT-d spec §8.8): integrated devices with an ATC.</summary>
/// <param name="Offset">Byte offset of the structure.</param>
/// <param name="AtcRequired">Flags bit 0 (ATC_REQUIRED): software must enable the devices' ATC for functional reasons.</param>
/// <param name="Segment">PCI segment.</param>
/// <param name="Scopes">The devices.</param>
public sealed record DmarSatc(int Offset, bool AtcRequired, ushort Segment, IReadOnlyList<DeviceScope> Scopes);

/// <summary>RHSA, remapping hardware static affinity (VT-d spec §8.6): the NUMA proximity domain of a unit.</summary>
/// <param name="Offset">Byte offset of the structure.</param>
/// <param name="RegisterBase">The DRHD's register base.</param>
/// <param name="ProximityDomain">The proximity domain.</param>
public sealed record DmarRhsa(int Offset, ulong RegisterBase, uint ProximityDomain);
