using Iced.Intel;

namespace VtdEmu.Tests.X86.TestDoubles;

/// <summary>Machine code produced by Iced's own assembler and encoder, so tests rarely need hand-written bytes.</summary>
internal static class Asm
{
    public static byte[] Assemble(ulong rip, Action<Assembler> build)
    {
        var assembler = new Assembler(64);
        build(assembler);
        var writer = new ByteWriter();
        assembler.Assemble(writer, rip);
        return writer.Bytes.ToArray();
    }

    /// <summary>Encodes one instruction at <paramref name="rip"/>; null when the form cannot be encoded.</summary>
    public static byte[]? TryEncode(Instruction instruction, ulong rip)
    {
        var writer = new ByteWriter();
        Encoder encoder = Encoder.Create(64, writer);
        return encoder.TryEncode(instruction, rip, out _, out _) ? writer.Bytes.ToArray() : null;
    }

    private sealed class ByteWriter : CodeWriter
    {
        public List<byte> Bytes { get; } = [];

        public override void WriteByte(byte value) => Bytes.Add(value);
    }
}
