using System.Buffers.Binary;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Traces;

/// <summary>
/// The binary DMA trace format, version 1 (spec-notes/traces.md): all integers little-endian.
/// <code>
/// header  (16 bytes)  0: magic 89 56 54 44 0D 0A 1A 0A ("\x89VTD\r\n\x1A\n")
///                     8: u16 version (1)   10: u16 record size (16)   12: u32 flags (0)
/// record  (16 bytes)  0: u64 IOVA   8: u32 LEN (0 to 0x100000)   12: u16 SID (bus 15:8, device 7:3, function 2:0)
///                    14: u8 kind (0 read, 1 write)   15: u8 reserved (0)
/// trailer (16 bytes)  0: u64 record count   8: u32 CRC-32 (ISO-HDLC, as gzip) of every record byte
///                    12: u16 0   14: u8 kind FF   15: u8 0
/// </code>
/// The trailer is the last 16 bytes: a file without one is truncated, bytes after it are corrupt.
/// </summary>
public static class BinaryTraceFormat
{
    /// <summary>The version this build reads and writes.</summary>
    public const ushort Version = 1;

    /// <summary>Bytes in the header.</summary>
    public const int HeaderSize = 16;

    /// <summary>Bytes per record, and in the trailer.</summary>
    public const int RecordSize = 16;

    /// <summary>The kind byte of a read record.</summary>
    public const byte KindRead = 0;

    /// <summary>The kind byte of a write record.</summary>
    public const byte KindWrite = 1;

    /// <summary>The kind byte of the trailer.</summary>
    public const byte KindTrailer = 0xFF;

    private const int KindOffset = 14;

    /// <summary>The first 8 bytes of every binary trace. The high first byte and the CR LF SUB LF tail catch text-mode mangling, as PNG's signature does.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'V', (byte)'T', (byte)'D', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes the version-1 header into the first <see cref="HeaderSize"/> bytes of <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(12, 4), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(10, 2), RecordSize);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(8, 2), Version);
        Magic.CopyTo(destination);
    }

    /// <summary>Checks a header; returns the problem (relative to the header's first byte) or null.</summary>
    public static string? CheckHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize || !header[..8].SequenceEqual(Magic))
        {
            return "not a binary trace (bad magic)";
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(8, 2));
        ushort recordSize = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(10, 2));
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(12, 4));
        return version != Version ? $"byte 8: version {version} is not supported (this build reads version {Version})"
            : recordSize != RecordSize ? $"byte 10: record size {recordSize}, expected {RecordSize}"
            : flags != 0 ? $"byte 12: flags 0x{flags:X} are reserved and must be 0"
            : null;
    }

    /// <summary>Encodes <paramref name="access"/> into the first <see cref="RecordSize"/> bytes of <paramref name="destination"/>.</summary>
    public static void WriteRecord(in TraceAccess access, Span<byte> destination)
    {
        destination[15] = 0;
        destination[KindOffset] = access.Direction == DmaDirection.Write ? KindWrite : KindRead;
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(12, 2), access.Device.SourceId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(8, 4), access.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[..8], access.Iova);
    }

    /// <summary>Encodes the trailer for <paramref name="count"/> records whose bytes have CRC-32 <paramref name="crc"/>.</summary>
    public static void WriteTrailer(ulong count, uint crc, Span<byte> destination)
    {
        destination[15] = 0;
        destination[KindOffset] = KindTrailer;
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(12, 2), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(8, 4), crc);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[..8], count);
    }

    /// <summary>The kind byte of the 16 bytes at the start of <paramref name="record"/>.</summary>
    public static byte Kind(ReadOnlySpan<byte> record) => record[KindOffset];

    /// <summary>
    /// Decodes one record; false when it is not a valid read or write record (a trailer, a reserved
    /// byte set, an unknown kind, or LEN above 1 MiB), with the problem relative to the record's first byte.
    /// </summary>
    public static bool TryReadRecord(ReadOnlySpan<byte> record, out TraceAccess access, out string? problem)
    {
        access = default;
        byte reserved = record[15];
        byte kind = record[KindOffset];
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(8, 4));
        problem = kind > KindWrite ? $"kind 0x{kind:X2} is neither 0 (read) nor 1 (write)"
            : reserved != 0 ? $"reserved byte 15 is 0x{reserved:X2}, must be 0"
            : length > ScenarioParser.MaxDmaLength ? $"LEN {length} is above the limit of {ScenarioParser.MaxDmaLength}"
            : null;
        if (problem is not null)
        {
            return false;
        }

        ushort sourceId = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(12, 2));
        ulong iova = BinaryPrimitives.ReadUInt64LittleEndian(record[..8]);
        access = new TraceAccess(PciBdf.FromSourceId(sourceId), iova, length, kind == KindWrite ? DmaDirection.Write : DmaDirection.Read);
        return true;
    }

    /// <summary>Decodes a trailer; false when the 16 bytes are not one.</summary>
    public static bool TryReadTrailer(ReadOnlySpan<byte> trailer, out ulong count, out uint crc)
    {
        count = BinaryPrimitives.ReadUInt64LittleEndian(trailer[..8]);
        crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer.Slice(8, 4));
        return trailer[KindOffset] == KindTrailer && trailer[15] == 0 && BinaryPrimitives.ReadUInt16LittleEndian(trailer.Slice(12, 2)) == 0;
    }
}
