using Iced.Intel;

namespace VtdEmu.X86.Internal;

/// <summary>
/// The reusable <see cref="CodeReader"/> behind a trap site's single <see cref="Decoder"/>:
/// each trap copies its instruction bytes in and rewinds, so decoding allocates nothing.
/// </summary>
internal sealed class TrapCodeReader : CodeReader
{
    /// <summary>The longest legal x86 instruction.</summary>
    public const int MaxInstructionLength = 15;

    private readonly byte[] _bytes = new byte[MaxInstructionLength];
    private int _count;
    private int _position;

    /// <summary>Loads the next instruction's bytes (at most 15 are kept) and rewinds.</summary>
    public void Reset(ReadOnlySpan<byte> code)
    {
        _count = Math.Min(code.Length, MaxInstructionLength);
        code[.._count].CopyTo(_bytes);
        _position = 0;
    }

    public override int ReadByte() => _position < _count ? _bytes[_position++] : -1;
}
