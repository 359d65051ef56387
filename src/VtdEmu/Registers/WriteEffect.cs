namespace VtdEmu.Registers;

/// <summary>Which side effect a guest write to a register row triggers after the masked store (STYLE.md 2.5).</summary>
internal enum WriteEffect : byte
{
    None,
    Gcmd,
    Ccmd,
    Fsts,
    Fectl,
    Pmen,
    Iqt,
    Ics,
    Iectl,
    Iotlb,
    Frcd,
}
