namespace VtdEmu.Registers;

/// <summary>
/// What one GCMD write did (VT-d spec §11.4.4): the bits written and GSTS before and after. Handed to
/// every component that follows global commands (<see cref="GlobalCommandEngine.Completed"/>), which
/// picks the transitions it acts on.
/// </summary>
/// <param name="Command">The value written to GCMD.</param>
/// <param name="Before">GSTS before the write.</param>
/// <param name="After">GSTS after the write (what software reads next).</param>
internal readonly record struct GlobalCommandOutcome(GlobalCommand Command, GlobalStatus Before, GlobalStatus After)
{
    /// <summary>A one-shot command (SRTP, SFL, SIRTP) was performed: its status bit is set after the write.</summary>
    public bool Performed(GlobalCommand command, GlobalStatus status) => (Command & command) != 0 && (After & status) != 0;

    /// <summary>An enable status bit went 0 → 1.</summary>
    public bool Enabled(GlobalStatus status) => (Before & status) == 0 && (After & status) != 0;

    /// <summary>An enable status bit changed either way.</summary>
    public bool Changed(GlobalStatus status) => ((Before ^ After) & status) != 0;
}
