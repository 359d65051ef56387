using VtdEmu.Internal;

namespace VtdEmu.Interrupts;

/// <summary>
/// An interrupt request: a DWORD write of <see cref="Data"/> to <see cref="Address"/> in the
/// interrupt address range 0xFEEx_xxxx (VT-d spec §5.1.2), tagged with the requester id. Address bit
/// 4 selects the format: 0 = compatibility (the attributes are in the request), 1 = remappable (the
/// request names an IRTE by handle and subhandle). Decoding: spec-notes/interrupt-remapping.md §1.
/// </summary>
/// <param name="SourceId">Requester id (bus 15:8, device 7:3, function 2:0).</param>
/// <param name="Address">The write address (bits 31:20 = 0xFEE for an interrupt request).</param>
/// <param name="Data">The DWORD written.</param>
public readonly record struct InterruptRequest(ushort SourceId, ulong Address, uint Data)
{
    /// <summary>First address of the interrupt address range.</summary>
    public const ulong WindowBase = 0xFEE0_0000;

    /// <summary>Size of the interrupt address range (1 MiB).</summary>
    public const ulong WindowSize = 0x10_0000;

    /// <summary>Whether <paramref name="address"/> lies in the interrupt address range 0xFEE0_0000..0xFEEF_FFFF.</summary>
    public static bool IsInterruptAddress(ulong address) => address >= WindowBase && address - WindowBase < WindowSize;

    /// <summary>Interrupt Format, address bit 4: remappable (true) or compatibility (false).</summary>
    public bool IsRemappable => Bits.IsSet(Address, 4);

    /// <summary>Remappable: the 16-bit handle, address bits 19:5 as handle[14:0] and bit 2 as handle[15].</summary>
    public int Handle => (int)(Bits.Get(Address, 19, 5) | (Bits.Get(Address, 2, 2) << 15));

    /// <summary>Remappable: SHV, address bit 3: the data's low 16 bits are a subhandle added to the handle.</summary>
    public bool SubhandleValid => Bits.IsSet(Address, 3);

    /// <summary>Remappable: the subhandle, data bits 15:0 (used when <see cref="SubhandleValid"/>).</summary>
    public int Subhandle => (int)(Data & 0xFFFF);

    /// <summary>Remappable: the interrupt index, handle plus subhandle when SHV (up to 17 bits; too large ones fault 0x21).</summary>
    public int Index => Handle + (SubhandleValid ? Subhandle : 0);

    /// <summary>Remappable: a reserved field of the request is set (data bits 31:16).</summary>
    public bool HasReservedBits => (Data >> 16) != 0;

    /// <summary>
    /// The interrupt a compatibility-format request describes: destination id address bits 19:12,
    /// RH bit 3, DM bit 2; vector data bits 7:0, delivery mode 10:8, trigger mode 15.
    /// </summary>
    public ApicInterrupt DecodeCompatibility() => new(
        (uint)Bits.Get(Address, 19, 12),
        (byte)(Data & 0xFF),
        (int)Bits.Get(Data, 10, 8),
        Logical: Bits.IsSet(Address, 2),
        Level: Bits.IsSet(Data, 15),
        RedirectionHint: Bits.IsSet(Address, 3));

    /// <summary>The remappable-format address for <paramref name="handle"/> (SHV as given), as software programs it.</summary>
    public static ulong RemappableAddress(int handle, bool subhandleValid = false) =>
        WindowBase | ((ulong)(handle & 0x7FFF) << 5) | (1UL << 4) | (subhandleValid ? 1UL << 3 : 0) | ((ulong)((handle >> 15) & 1) << 2);
}
