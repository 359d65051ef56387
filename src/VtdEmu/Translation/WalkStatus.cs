namespace VtdEmu.Translation;

/// <summary>Where a second-level walk stopped (<see cref="WalkOutcome"/>).</summary>
internal enum WalkStatus : byte
{
    /// <summary>A present, valid leaf was reached (its rights are not checked yet).</summary>
    Leaf,

    /// <summary>An entry with R = W = 0 (SSL.2; legacy reports the missing right).</summary>
    NotPresent,

    /// <summary>A present entry with reserved bits set (LSL.2 / SSL.3).</summary>
    Reserved,

    /// <summary>A table could not be read (LCT.4.3 / LSL.1 / SSL.1 / SSL.4).</summary>
    ReadError,
}
