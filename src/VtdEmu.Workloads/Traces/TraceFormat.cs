namespace VtdEmu.Workloads.Traces;

/// <summary>How a DMA trace's accesses are written (spec-notes/traces.md).</summary>
public enum TraceFormat
{
    /// <summary>One <c>BDF IOVA LEN R|W</c> per line, <c>#</c> comments.</summary>
    Text,

    /// <summary>The binary format: a 16-byte header, 16-byte little-endian records, a 16-byte trailer (<see cref="BinaryTraceFormat"/>).</summary>
    Binary,
}
