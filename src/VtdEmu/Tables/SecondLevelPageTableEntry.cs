using System.Buffers.Binary;
using VtdEmu.Internal;

namespace VtdEmu.Tables;

/// <summary>
/// Second-level paging entry (SL-PML5E, SL-PML4E, SL-PDPE, SL-PDE or SL-PTE, 64-bit; VT-d spec
/// §9.8). The same layout serves every level; which bits are reserved depends on the level, the
/// PS bit and the capabilities (see <c>TranslationParameters</c> and spec-notes/tables.md).
/// </summary>
public readonly struct SecondLevelPageTableEntry
{
    /// <summary>Size of the entry in bytes.</summary>
    public const int Size = 8;

    /// <summary>A bit, 8: set by hardware in every entry a walk uses when the PASID entry's SLADE is set (§3.8).</summary>
    public const ulong AccessedBit = 1UL << 8;

    /// <summary>D bit, 9: set by hardware in the leaf of a write when SLADE is set.</summary>
    public const ulong DirtyBit = 1UL << 9;

    private readonly ulong _value;

    /// <summary>An entry from its raw word.</summary>
    public SecondLevelPageTableEntry(ulong value) => _value = value;

    /// <summary>The raw 64-bit value.</summary>
    public ulong Raw => _value;

    /// <summary>R, 0, Read.</summary>
    public bool Read => Bits.IsSet(_value, 0);

    /// <summary>W, 1, Write.</summary>
    public bool Write => Bits.IsSet(_value, 1);

    /// <summary>X, 2, Execute.</summary>
    public bool Execute => Bits.IsSet(_value, 2);

    /// <summary>EMT, 5:3, Extended Memory Type (leaf entries).</summary>
    public int EMT => (int)Bits.Get(_value, 5, 3);

    /// <summary>IPAT, 6, Ignore PAT (leaf entries).</summary>
    public bool IPAT => Bits.IsSet(_value, 6);

    /// <summary>PS, 7, Page Size (SL-PDPE: 1 GiB page, SL-PDE: 2 MiB page; reserved in SL-PML4E/PML5E, ignored in SL-PTE).</summary>
    public bool PS => Bits.IsSet(_value, 7);

    /// <summary>A, 8, Accessed.</summary>
    public bool Accessed => Bits.IsSet(_value, 8);

    /// <summary>D, 9, Dirty (leaf entries).</summary>
    public bool Dirty => Bits.IsSet(_value, 9);

    /// <summary>SNP, 11, Snoop (leaf entries, when ECAP.SC=1).</summary>
    public bool SNP => Bits.IsSet(_value, 11);

    /// <summary>ADDR, 51:12, Address of the next table or of the page, as a physical address.</summary>
    public ulong ADDR => Bits.Get(_value, 51, 12) << 12;

    /// <summary>TM, 62, Transient Mapping (leaf entries when ECAP.DT=1; reserved otherwise).</summary>
    public bool TM => Bits.IsSet(_value, 62);

    /// <summary>An entry pointing at <paramref name="address"/> with the given rights (<paramref name="pageSize"/> sets PS for a large leaf).</summary>
    public static SecondLevelPageTableEntry Create(ulong address, bool read, bool write, bool pageSize = false)
    {
        ulong value = Bits.With(0, 51, 12, address >> 12);
        value = Bits.With(value, 0, 0, read ? 1UL : 0);
        value = Bits.With(value, 1, 1, write ? 1UL : 0);
        return new SecondLevelPageTableEntry(Bits.With(value, 7, 7, pageSize ? 1UL : 0));
    }

    /// <summary>Reads an entry from its 8 little-endian bytes.</summary>
    public static SecondLevelPageTableEntry ReadFrom(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt64LittleEndian(source));

    /// <summary>Writes the entry as 8 little-endian bytes.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, _value);

    public override string ToString() =>
        $"SLPTE R={(Read ? 1 : 0)} W={(Write ? 1 : 0)} X={(Execute ? 1 : 0)} PS={(PS ? 1 : 0)} ADDR=0x{ADDR:X} raw=0x{_value:X16}";
}
