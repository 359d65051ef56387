namespace VtdEmu.Dmar;

/// <summary>Why a DMAR table could not be parsed: the byte offset of the offending field and what is wrong with it.</summary>
/// <param name="Offset">Byte offset in the table.</param>
/// <param name="Message">What is wrong.</param>
public readonly record struct DmarError(int Offset, string Message)
{
    public override string ToString() => $"offset 0x{Offset:x}: {Message}";
}
