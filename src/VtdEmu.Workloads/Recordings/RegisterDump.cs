using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Workloads.Recordings;

/// <summary>
/// A dump of a unit's register block (<c>regs-reset.txt</c>, <c>regs-final.txt</c>): lines of
/// <c>ADDRESS: WORD WORD ...</c>, the address in hex and each word an 8-byte little-endian value
/// at the next 8 bytes. The first line's address is the block's base (offset 0).
/// </summary>
public sealed class RegisterDump
{
    /// <summary>Largest register block a dump may describe (VT-d blocks are 4–16 KiB).</summary>
    public const int MaxBlockBytes = 0x1_0000;

    private readonly Dictionary<int, ulong> _words;

    private RegisterDump(ulong baseAddress, Dictionary<int, ulong> words)
    {
        BaseAddress = baseAddress;
        _words = words;
    }

    /// <summary>Physical address of offset 0 (the register base).</summary>
    public ulong BaseAddress { get; }

    /// <summary>How many 8-byte words the dump holds.</summary>
    public int WordCount => _words.Count;

    /// <summary>The dumped value of the naturally aligned register bytes <c>[offset, offset + size)</c>; false when not dumped.</summary>
    public bool TryRead(int offset, int size, out ulong value)
    {
        value = 0;
        if (size is not (4 or 8) || offset < 0 || (offset & (size - 1)) != 0 || !_words.TryGetValue(offset & ~7, out ulong word))
        {
            return false;
        }

        value = size == 8 ? word : (offset & 4) != 0 ? word >> 32 : word & 0xFFFF_FFFF;
        return true;
    }

    /// <summary>Parses the lines of a dump; <paramref name="file"/> names error locations.</summary>
    internal static RegisterDump? Parse(string[] lines, string file, out ScenarioError? error)
    {
        error = null;
        ulong? baseAddress = null;
        var words = new Dictionary<int, ulong>();
        for (int i = 0; i < lines.Length; i++)
        {
            string text = lines[i];
            List<(string Text, int Column)> f = RecordingText.Fields(text);
            if (f.Count == 0)
            {
                continue;
            }

            int line = i + 1;
            if (f.Count < 2 || !f[0].Text.EndsWith(':') || !RecordingText.TryHex(f[0].Text.AsSpan(0, f[0].Text.Length - 1), out ulong address))
            {
                error = RecordingText.At(file, line, f[0].Column, $"expected 'ADDRESS: WORD ...', found '{f[0].Text}'", text);
                return null;
            }

            baseAddress ??= address;
            ulong offset = address - baseAddress.Value;
            if (address < baseAddress.Value || (offset & 7) != 0 || offset + (8 * (ulong)(f.Count - 1)) > MaxBlockBytes)
            {
                error = RecordingText.At(file, line, f[0].Column, $"address 0x{address:x} is not an 8-byte-aligned place within {MaxBlockBytes:#,0} bytes above the first line's 0x{baseAddress:x}", text);
                return null;
            }

            for (int w = 1; w < f.Count; w++)
            {
                if (!RecordingText.TryHex(f[w].Text, out ulong value))
                {
                    error = RecordingText.At(file, line, f[w].Column, $"expected a hex 8-byte word, found '{f[w].Text}'", text);
                    return null;
                }

                int at = (int)offset + (8 * (w - 1));
                if (!words.TryAdd(at, value))
                {
                    error = RecordingText.At(file, line, f[w].Column, $"offset 0x{at:x} is dumped twice", text);
                    return null;
                }
            }
        }

        if (baseAddress is null)
        {
            error = new ScenarioError(new SourceLocation(file, 0), "no register words");
            return null;
        }

        return new RegisterDump(baseAddress.Value, words);
    }
}
