using System.Buffers.Binary;
using VtdEmu.X86;

namespace VtdEmu.Tests.X86.TestDoubles;

/// <summary>
/// An array-backed register block that records every access: plain little-endian storage with no
/// register semantics, so tests see exactly the access the front end issued.
/// </summary>
internal sealed class RecordingMmio : IMmio
{
    private readonly byte[] _bytes;

    public RecordingMmio(int length = 0x1000) => _bytes = new byte[length];

    public int Length => _bytes.Length;

    public List<MmioAccess> Accesses { get; } = [];

    public Span<byte> Bytes => _bytes;

    public ulong Read(ulong offset, int size)
    {
        Span<byte> buffer = stackalloc byte[8];
        _bytes.AsSpan((int)offset, size).CopyTo(buffer);
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(buffer);
        Accesses.Add(new MmioAccess(offset, size, MmioDirection.Read, value));
        return value;
    }

    public void Write(ulong offset, int size, ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        buffer[..size].CopyTo(_bytes.AsSpan((int)offset, size));
        Accesses.Add(new MmioAccess(offset, size, MmioDirection.Write, value));
    }

    public ulong Peek(int offset, int size)
    {
        Span<byte> buffer = stackalloc byte[8];
        _bytes.AsSpan(offset, size).CopyTo(buffer);
        return BinaryPrimitives.ReadUInt64LittleEndian(buffer);
    }

    public void Poke(int offset, int size, ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        buffer[..size].CopyTo(_bytes.AsSpan(offset, size));
    }
}
