namespace VtdEmu.Registers;

/// <summary>One register access as an <see cref="IRegisterObserver"/> sees it.</summary>
/// <param name="Offset">Byte offset in the register block.</param>
/// <param name="Size">Access size in bytes.</param>
/// <param name="Value">Value read (as returned) or written (as given).</param>
/// <param name="Kind">Read, write, or a rejected access.</param>
/// <param name="Register">Spec name of the register at <paramref name="Offset"/> ("reserved" for a gap, "invalid" when rejected).</param>
public readonly record struct RegisterAccess(ulong Offset, int Size, ulong Value, RegisterAccessKind Kind, string Register);
