namespace VtdEmu.Cli.Demo;

/// <summary>
/// What the demo needs from a driver: put devices in domains, map IOVA ranges, turn translation on.
/// <see cref="HandProgrammedMapper"/> writes the tables and registers itself; the Intel driver of
/// VtdEmu.Iommu can take its place behind this interface.
/// </summary>
internal interface IDemoMapper
{
    /// <summary>Points the context entry of <paramref name="sourceId"/> at domain <paramref name="domainId"/>'s page tables.</summary>
    void Attach(ushort sourceId, ushort domainId);

    /// <summary>Maps <paramref name="size"/> bytes (4-KiB multiple) of IOVA to host-physical <paramref name="physical"/> in a domain.</summary>
    void Map(ushort domainId, ulong iova, ulong physical, ulong size, bool read, bool write);

    /// <summary>Latches the root table (GCMD.SRTP) and enables translation (GCMD.TE).</summary>
    void Enable();

    /// <summary>What was programmed, one line per structure, for the report.</summary>
    IReadOnlyList<(string Structure, string Detail)> Describe();
}
