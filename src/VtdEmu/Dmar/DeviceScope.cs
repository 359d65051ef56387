namespace VtdEmu.Dmar;

/// <summary>
/// One device scope entry (VT-d spec §8.3.1): type, enumeration id, start bus and the path of
/// (device, function) hops from the start bus. A one-hop path names a device on the start bus; longer
/// paths go through bridges whose secondary bus numbers only PCI configuration space knows.
/// </summary>
/// <param name="Type">The entry type (raw values outside <see cref="DeviceScopeType"/> are kept).</param>
/// <param name="EnumerationId">I/O APIC id, HPET number or ANDD device number (0 for PCI scopes).</param>
/// <param name="StartBus">The bus the path starts on.</param>
/// <param name="Path">(device, function) pairs.</param>
public sealed record DeviceScope(DeviceScopeType Type, byte EnumerationId, byte StartBus, IReadOnlyList<(byte Device, byte Function)> Path)
{
    /// <summary>The requester id of a one-hop path (start bus, device, function); null for longer paths.</summary>
    public ushort? SourceId => Path.Count == 1 ? (ushort)((StartBus << 8) | ((Path[0].Device & 0x1F) << 3) | (Path[0].Function & 7)) : null;

    public override string ToString()
    {
        string path = string.Join("/", Path.Select(p => $"{p.Device:x2}.{p.Function:x}"));
        string kind = Type switch
        {
            DeviceScopeType.PciEndpoint => "endpoint",
            DeviceScopeType.PciSubHierarchy => "bridge",
            DeviceScopeType.IoApic => $"ioapic {EnumerationId}",
            DeviceScopeType.Hpet => $"hpet {EnumerationId}",
            DeviceScopeType.AcpiNamespaceDevice => $"acpi-device {EnumerationId}",
            _ => $"type {(byte)Type}",
        };
        return $"{kind} {StartBus:x2}:{path}";
    }
}
