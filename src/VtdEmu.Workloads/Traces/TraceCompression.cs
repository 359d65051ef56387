namespace VtdEmu.Workloads.Traces;

/// <summary>The compression wrapped around a trace file, recognised on reading by its magic bytes.</summary>
public enum TraceCompression
{
    /// <summary>Not compressed.</summary>
    None,

    /// <summary>gzip (RFC 1952), magic <c>1F 8B</c>; every member's CRC-32 and length are checked.</summary>
    Gzip,

    /// <summary>Zstandard (RFC 8878), magic <c>28 B5 2F FD</c>; written with the frame content checksum.</summary>
    Zstd,
}
