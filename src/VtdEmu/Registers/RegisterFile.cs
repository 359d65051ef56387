using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace VtdEmu.Registers;

/// <summary>
/// Register storage of one remapping unit: byte-wise values plus writable, RW1C and
/// WO masks filled from the <see cref="RegisterLayout"/> rows. Guest writes go through
/// <see cref="GuestWrite"/> (the one masking rule); the model's own status updates use the raw
/// <c>Get</c>/<c>Set</c> helpers, which bypass the masks.
/// </summary>
internal sealed class RegisterFile
{
    private readonly RegisterRow[] _rows;
    private readonly byte[] _values;
    private readonly byte[] _writable;
    private readonly byte[] _clearable;
    private readonly byte[] _writeOnly;
    private readonly short[] _rowByDword;

    public RegisterFile(RegisterRow[] rows, int length)
    {
        _rows = rows;
        _values = new byte[length];
        _writable = new byte[length];
        _clearable = new byte[length];
        _writeOnly = new byte[length];
        _rowByDword = new short[length / 4];
        Array.Fill(_rowByDword, (short)-1);
        for (int i = 0; i < rows.Length; i++)
        {
            RegisterRow row = rows[i];
            Store(_writable, row.Offset, row.Width, row.RwMask | row.WoMask);
            Store(_clearable, row.Offset, row.Width, row.Rw1cMask);
            Store(_writeOnly, row.Offset, row.Width, row.WoMask);
            for (int d = 0; d < row.Width / 4; d++)
            {
                _rowByDword[(row.Offset / 4) + d] = (short)i;
            }
        }

        Reset();
    }

    public int Length => _values.Length;

    public ReadOnlySpan<RegisterRow> Rows => _rows;

    /// <summary>Index of the row covering <paramref name="offset"/>, or −1 for an unimplemented offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int RowAt(int offset) => _rowByDword[offset >> 2];

    /// <summary>Spec name of the register at <paramref name="offset"/> ("reserved" for a gap).</summary>
    public string NameAt(int offset)
    {
        int row = RowAt(offset);
        return row < 0 ? "reserved" : _rows[row].Name;
    }

    /// <summary>Re-applies every row's reset value; gaps read 0.</summary>
    public void Reset()
    {
        Array.Clear(_values);
        foreach (RegisterRow row in _rows)
        {
            Store(_values, row.Offset, row.Width, row.Reset);
        }
    }

    /// <summary>A guest read of 4 or 8 aligned bytes: stored value with WO bits reading 0.</summary>
    /// <remarks>The caller has checked that <c>offset + size &lt;= Length</c> (this is the hot MMIO read path).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong GuestRead(int offset, int size)
    {
        Debug.Assert(offset >= 0 && offset <= _values.Length - size, "RemappingUnit validates every access");

        // SAFETY: the two element refs are bounds-checked at offset, and the caller guarantees that all
        // size bytes from offset lie inside both arrays (they have the same length). The host is little-endian
        // (x64/arm64), matching the register byte order.
        ref byte value = ref _values[offset];
        ref byte writeOnly = ref _writeOnly[offset];
        return size == 8
            ? Unsafe.ReadUnaligned<ulong>(ref value) & ~Unsafe.ReadUnaligned<ulong>(ref writeOnly)
            : Unsafe.ReadUnaligned<uint>(ref value) & ~Unsafe.ReadUnaligned<uint>(ref writeOnly);
    }

    /// <summary>
    /// A guest write of 4 or 8 aligned bytes through the one masking rule: writable (RW, WO) bits
    /// take the written value, RW1C bits written as 1 clear, every other bit keeps its value.
    /// </summary>
    public void GuestWrite(int offset, int size, ulong value)
    {
        ulong old = Load(_values, offset, size);
        ulong writable = Load(_writable, offset, size);
        ulong clearable = Load(_clearable, offset, size);
        ulong updated = ((old & ~writable) | (value & writable)) & ~(value & clearable);
        Store(_values, offset, size, updated);
    }

    /// <summary>Raw 32-bit value at <paramref name="offset"/> (WO bits included).</summary>
    public uint Get32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_values.AsSpan(offset));

    /// <summary>Raw 64-bit value at <paramref name="offset"/> (WO bits included).</summary>
    public ulong Get64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(_values.AsSpan(offset));

    /// <summary>Model-side store that bypasses the guest masks.</summary>
    public void Set32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_values.AsSpan(offset), value);

    /// <summary>Model-side store that bypasses the guest masks.</summary>
    public void Set64(int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(_values.AsSpan(offset), value);

    private static ulong Load(byte[] bytes, int offset, int size) => size == 8
        ? BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset))
        : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));

    private static void Store(byte[] bytes, int offset, int size, ulong value)
    {
        if (size == 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), unchecked((uint)value));
        }
    }
}
