using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// First-level paging entry (64-bit, the IA-32e format VT-d uses for first-level tables; VT-d spec §9.7,
/// spec-notes/first-level.md): PML5E, PML4E, PDPE, PDE or PTE. Accessors use the spec's bit numbers.
/// </summary>
public readonly struct FirstLevelPagingEntry(ulong value)
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 8;

    /// <summary>R/W bit, 1: writes allowed through this entry.</summary>
    public const ulong ReadWriteBit = 1UL << 1;

    /// <summary>U/S bit, 2: user-mode requests allowed through this entry.</summary>
    public const ulong UserBit = 1UL << 2;

    /// <summary>XD bit, 63: instruction fetches not allowed through this entry.</summary>
    public const ulong ExecuteDisableBit = 1UL << 63;

    /// <summary>A bit, 5: set by hardware when the entry is used.</summary>
    public const ulong AccessedBit = 1UL << 5;

    /// <summary>D bit, 6: set by hardware in the leaf on a write.</summary>
    public const ulong DirtyBit = 1UL << 6;

    /// <summary>The raw 64-bit value.</summary>
    public ulong Raw => value;

    /// <summary>P, 0, Present.</summary>
    public bool Present => Bits.IsSet(value, 0);

    /// <summary>R/W, 1, Read/Write: writes allowed through this entry.</summary>
    public bool ReadWrite => Bits.IsSet(value, 1);

    /// <summary>U/S, 2, User/Supervisor: user-mode requests allowed through this entry.</summary>
    public bool User => Bits.IsSet(value, 2);

    /// <summary>PWT, 3, Page-level Write-Through.</summary>
    public bool PWT => Bits.IsSet(value, 3);

    /// <summary>PCD, 4, Page-level Cache Disable.</summary>
    public bool PCD => Bits.IsSet(value, 4);

    /// <summary>A, 5, Accessed.</summary>
    public bool Accessed => Bits.IsSet(value, 5);

    /// <summary>D, 6, Dirty (leaves only).</summary>
    public bool Dirty => Bits.IsSet(value, 6);

    /// <summary>PS, 7, Page Size: a 1 GiB (PDPE) or 2 MiB (PDE) leaf.</summary>
    public bool PS => Bits.IsSet(value, 7);

    /// <summary>ADDR, 51:12, the next table or the page frame, as a physical address.</summary>
    public ulong ADDR => Bits.Get(value, 51, 12) << 12;

    /// <summary>XD, 63, Execute Disable.</summary>
    public bool XD => Bits.IsSet(value, 63);

    /// <summary>Reads an entry from its 8 little-endian bytes.</summary>
    public static FirstLevelPagingEntry ReadFrom(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt64LittleEndian(source));

    /// <summary>Writes the entry as 8 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, value);

    public override string ToString() =>
        $"FLPTE P={B(Present)} R/W={B(ReadWrite)} U/S={B(User)} PWT={B(PWT)} PCD={B(PCD)} A={B(Accessed)} D={B(Dirty)} PS={B(PS)} XD={B(XD)} ADDR=0x{ADDR:X}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int B(bool bit) => bit ? 1 : 0;
}
