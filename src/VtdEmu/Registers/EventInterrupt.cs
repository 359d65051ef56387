namespace VtdEmu.Registers;

/// <summary>
/// One interrupt event register group — control (IM, IP), data, address and upper address: the fault
/// event (FECTL/FEDATA/FEADDR/FEUADDR) or the invalidation completion event (IECTL/IEDATA/IEADDR/
/// IEUADDR), VT-d spec §7.4 and §11.4.4/§11.4.9; spec-notes/fault-recording.md §2–§3. Owns the control
/// register's write side effect. Not thread-safe: the unit calls it under its state lock.
/// </summary>
internal sealed class EventInterrupt
{
    private readonly RegisterFile _registers;
    private readonly IInterruptSink? _sink;
    private readonly bool _extendedInterruptMode;
    private readonly int _control;
    private readonly int _data;
    private readonly int _address;
    private readonly int _upperAddress;

    /// <param name="registers">The unit's register storage.</param>
    /// <param name="sink">Receives the MSI; null drops it.</param>
    /// <param name="extendedInterruptMode">ECAP.EIM: the upper address register takes part (it is RsvdZ otherwise).</param>
    /// <param name="control">FECTL or IECTL.</param>
    /// <param name="data">FEDATA or IEDATA.</param>
    /// <param name="address">FEADDR or IEADDR.</param>
    /// <param name="upperAddress">FEUADDR or IEUADDR.</param>
    public EventInterrupt(
        RegisterFile registers, IInterruptSink? sink, bool extendedInterruptMode,
        VtdRegister control, VtdRegister data, VtdRegister address, VtdRegister upperAddress)
    {
        _registers = registers;
        _sink = sink;
        _extendedInterruptMode = extendedInterruptMode;
        _control = (int)control;
        _data = (int)data;
        _address = (int)address;
        _upperAddress = (int)upperAddress;
    }

    /// <summary>Registers the control register's side effect: IM = 0 with IP = 1 sends the held message.</summary>
    public void Attach(RegisterDispatch dispatch) => dispatch.On(_control, Unmasked);

    /// <summary>An interrupt condition: masked ⇒ IP set and held; unmasked ⇒ the MSI goes out now (IP set and cleared at once).</summary>
    public void Signal()
    {
        uint ctl = _registers.Get32(_control);
        if ((ctl & (uint)EventControl.IM) != 0)
        {
            _registers.Set32(_control, ctl | (uint)EventControl.IP);
            return;
        }

        Deliver();
    }

    /// <summary>The condition was serviced by software before the message went out: IP clears.</summary>
    public void ClearPending() =>
        _registers.Set32(_control, _registers.Get32(_control) & ~(uint)EventControl.IP);

    // After a guest write to the control register: IM = 0 with IP = 1 sends the held message and clears IP.
    private void Unmasked()
    {
        uint ctl = _registers.Get32(_control);
        if ((ctl & (uint)EventControl.IM) == 0 && (ctl & (uint)EventControl.IP) != 0)
        {
            _registers.Set32(_control, ctl & ~(uint)EventControl.IP);
            Deliver();
        }
    }

    private void Deliver()
    {
        ulong upper = _extendedInterruptMode ? (ulong)_registers.Get32(_upperAddress) << 32 : 0;
        _sink?.Deliver(upper | _registers.Get32(_address), _registers.Get32(_data));
    }
}
