namespace VtdEmu.Dmar;

/// <summary>Device scope entry type (VT-d spec §8.3.1).</summary>
public enum DeviceScopeType : byte
{
    /// <summary>1: a PCI endpoint device.</summary>
    PciEndpoint = 1,

    /// <summary>2: a PCI-PCI bridge and every device below it (sub-hierarchy).</summary>
    PciSubHierarchy = 2,

    /// <summary>3: an I/O APIC (enumeration id = its APIC id).</summary>
    IoApic = 3,

    /// <summary>4: an MSI-capable HPET (enumeration id = its HPET number).</summary>
    Hpet = 4,

    /// <summary>5: an ACPI name-space device (enumeration id = the ANDD's device number).</summary>
    AcpiNamespaceDevice = 5,
}
