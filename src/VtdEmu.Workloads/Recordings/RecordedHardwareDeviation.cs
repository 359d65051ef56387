namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// A place where the recorded hardware departs from the VT-d spec and the model follows the spec: a
/// register whose recorded value differs from the model's only in <paramref name="Bits"/>. Each one is
/// written up in spec-notes/replay-mmio.md with its section; a replay prints it as such and does not
/// count it as a failure.
/// </summary>
/// <param name="Register">Register name as the model's layout spells it (GSTS, FRCD0_HI, …).</param>
/// <param name="Bits">The bits allowed to differ.</param>
/// <param name="Section">The spec section that decides it.</param>
/// <param name="Note">The spec-notes file and heading that explain it.</param>
public sealed record RecordedHardwareDeviation(string Register, ulong Bits, string Section, string Note)
{
    /// <summary>Whether a recorded/model pair of <paramref name="register"/> differs only where this deviation allows.</summary>
    public bool Explains(string register, ulong recorded, ulong model) =>
        register == Register && recorded != model && ((recorded ^ model) & ~Bits) == 0;
}
