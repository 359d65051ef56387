namespace VtdEmu.Devices;

/// <summary>One device-TLB entry: a cached translation completion, tagged by PASID (or none) and input page.</summary>
/// <param name="HasPasid">The translation was requested with a PASID.</param>
/// <param name="Pasid">The PASID when <paramref name="HasPasid"/>.</param>
/// <param name="InputPage">Untranslated page base.</param>
/// <param name="OutputPage">Translated page base.</param>
/// <param name="PageShift">log2 of the page size.</param>
/// <param name="Read">R granted.</param>
/// <param name="Write">W granted.</param>
public readonly record struct DeviceTlbEntry(bool HasPasid, uint Pasid, ulong InputPage, ulong OutputPage, int PageShift, bool Read, bool Write)
{
    /// <summary>Whether the entry's page overlaps [<paramref name="first"/>, <paramref name="last"/>].</summary>
    public bool Overlaps(ulong first, ulong last) => InputPage <= last && InputPage + ((1UL << PageShift) - 1) >= first;

    public override string ToString() =>
        $"{(HasPasid ? $"pasid {Pasid} " : string.Empty)}0x{InputPage:x} -> 0x{OutputPage:x} size 0x{1UL << PageShift:x} {(Read ? "R" : "-")}{(Write ? "W" : "-")}";
}
