namespace VtdEmu.Translation;

/// <summary>A DMA request as the remapping hardware sees it: requester, address, rights, optional PASID.</summary>
public readonly struct DmaRequest
{
    /// <summary>A request with every attribute spelled out.</summary>
    public DmaRequest(ushort sourceId, ulong address, DmaAccess access, AddressType addressType = AddressType.Untranslated,
        uint? pasid = null, bool privileged = false, bool execute = false)
    {
        SourceId = sourceId;
        Address = address;
        Access = access;
        AddressType = addressType;
        HasPasid = pasid.HasValue;
        Pasid = pasid.GetValueOrDefault();
        Privileged = privileged;
        Execute = execute;
    }

    /// <summary>SID: the requester id, bus in bits 15:8, device:function in bits 7:0.</summary>
    public ushort SourceId { get; }

    /// <summary>The PCI bus number (SID bits 15:8).</summary>
    public byte Bus => (byte)(SourceId >> 8);

    /// <summary>The device:function number (SID bits 7:0).</summary>
    public byte DevFn => unchecked((byte)SourceId);

    /// <summary>The request's address (IOVA for untranslated and translation requests).</summary>
    public ulong Address { get; }

    /// <summary>The rights needed.</summary>
    public DmaAccess Access { get; }

    /// <summary>The PCIe address type.</summary>
    public AddressType AddressType { get; }

    /// <summary>True when the request carries a PASID TLP prefix.</summary>
    public bool HasPasid { get; }

    /// <summary>The PASID (20 bits) when <see cref="HasPasid"/>; 0 otherwise.</summary>
    public uint Pasid { get; }

    /// <summary>Privileged-mode-requested (supervisor) attribute of the PASID prefix.</summary>
    public bool Privileged { get; }

    /// <summary>Execute-requested attribute of the PASID prefix.</summary>
    public bool Execute { get; }

    /// <summary>An untranslated read of <paramref name="address"/>.</summary>
    public static DmaRequest Read(ushort sourceId, ulong address) => new(sourceId, address, DmaAccess.Read);

    /// <summary>An untranslated write of <paramref name="address"/>.</summary>
    public static DmaRequest Write(ushort sourceId, ulong address) => new(sourceId, address, DmaAccess.Write);

    public override string ToString() =>
        $"DMA {Access} sid={Bus:X2}:{DevFn >> 3:X2}.{DevFn & 7} addr=0x{Address:X} {AddressType}" +
        (HasPasid ? $" pasid=0x{Pasid:X}" : string.Empty) + (Privileged ? " priv" : string.Empty) + (Execute ? " exec" : string.Empty);
}
