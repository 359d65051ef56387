namespace VtdEmu.Registers;

/// <summary>
/// Sees every MMIO access to a remapping unit, for tracing. Writes are reported before their side
/// effects run, reads after the value is taken. With no observer attached the unit pays one null check.
/// </summary>
public interface IRegisterObserver
{
    /// <summary>Called once per access.</summary>
    void OnAccess(in RegisterAccess access);
}
