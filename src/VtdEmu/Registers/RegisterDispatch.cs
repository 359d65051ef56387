namespace VtdEmu.Registers;

/// <summary>
/// Runs the side effects of a guest register write: the component that owns a register
/// registers one handler for its offset with <see cref="On(int, Action)"/>; after the masked store the
/// dispatch calls the handler of every row the write touched, in address order, when the row's
/// <see cref="WriteEffect"/> says the write triggers it. Rows without a handler only store. Not
/// thread-safe: the unit calls it under its state lock.
/// </summary>
internal sealed class RegisterDispatch
{
    private readonly RegisterFile _registers;
    private readonly Action?[] _handlers;

    public RegisterDispatch(RegisterFile registers)
    {
        _registers = registers;
        _handlers = new Action?[registers.Rows.Length];
    }

    /// <summary>Makes <paramref name="handler"/> the side effect of the row at <paramref name="offset"/>, replacing any earlier one.</summary>
    /// <exception cref="ArgumentException">No row starts at <paramref name="offset"/>, or its layout row has no side effect.</exception>
    public void On(int offset, Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        int row = _registers.RowAt(offset);
        if (row < 0 || _registers.Rows[row].Offset != offset || _registers.Rows[row].Effect == WriteEffect.None)
        {
            throw new ArgumentException($"No register with a write side effect starts at 0x{offset:X}.", nameof(offset));
        }

        _handlers[row] = handler;
    }

    /// <inheritdoc cref="On(int, Action)"/>
    public void On(VtdRegister register, Action handler) => On((int)register, handler);

    /// <summary>Runs the side effects of a guest write of <paramref name="size"/> bytes at <paramref name="at"/> (already stored).</summary>
    public void Run(int at, int size)
    {
        int first = _registers.RowAt(at);
        if (first >= 0)
        {
            Run(first, at, size);
        }

        if (size == 8 && _registers.RowAt(at + 4) is int second && second != first && second >= 0)
        {
            Run(second, at, size);
        }
    }

    private void Run(int rowIndex, int at, int size)
    {
        if (_handlers[rowIndex] is not { } handler)
        {
            return;
        }

        RegisterRow row = _registers.Rows[rowIndex];
        bool triggered = row.Effect switch
        {
            WriteEffect.Any => true,
            WriteEffect.HighDword => at + size >= row.Offset + row.Width,
            WriteEffect.LowDword => at <= row.Offset,
            _ => false,
        };
        if (triggered)
        {
            handler();
        }
    }
}
