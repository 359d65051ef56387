using System.Globalization;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// A PCI requester identity, bus:device.function, written <c>bb:dd.f</c> in hex. Its 16-bit
/// source-id (bus in 15:8, device in 7:3, function in 2:0) is what a remapping unit uses to pick
/// the root and context entries (VT-d spec §3.4.1).
/// </summary>
public readonly record struct Bdf
{
    public const int MaxDevice = 0x1F;
    public const int MaxFunction = 0x7;

    /// <summary>Creates a BDF; throws when device or function is out of range (a programming error).</summary>
    public Bdf(byte bus, byte device, byte function)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(device, (byte)MaxDevice);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(function, (byte)MaxFunction);
        Bus = bus;
        Device = device;
        Function = function;
    }

    public byte Bus { get; }

    public byte Device { get; }

    public byte Function { get; }

    /// <summary>The 16-bit source-id: bus 15:8, device 7:3, function 2:0.</summary>
    public ushort SourceId => (ushort)((Bus << 8) | (Device << 3) | Function);

    /// <summary>The BDF of a 16-bit source-id.</summary>
    public static Bdf FromSourceId(ushort sourceId) =>
        new((byte)(sourceId >> 8), (byte)((sourceId >> 3) & MaxDevice), (byte)(sourceId & MaxFunction));

    /// <summary>
    /// Parses <c>bb:dd.f</c>: bus and device as one or two hex digits, function as one digit 0-7.
    /// </summary>
    public static bool TryParse(string? text, out Bdf bdf) => TryParse(text.AsSpan(), out bdf);

    /// <summary>Parses <c>bb:dd.f</c> without allocating; see <see cref="TryParse(string?, out Bdf)"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Bdf bdf)
    {
        bdf = default;

        int colon = text.IndexOf(':');
        int dot = text.IndexOf('.');
        if (colon < 1 || dot < colon + 2 || dot != text.Length - 2 || colon > 2 || dot - colon - 1 > 2)
        {
            return false;
        }

        if (!byte.TryParse(text[..colon], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte bus)
            || !byte.TryParse(text.Slice(colon + 1, dot - colon - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte device)
            || !byte.TryParse(text[(dot + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte function)
            || device > MaxDevice
            || function > MaxFunction)
        {
            return false;
        }

        bdf = new Bdf(bus, device, function);
        return true;
    }

    /// <summary>Formats as <c>bb:dd.f</c>, lower-case hex, e.g. <c>00:03.0</c>.</summary>
    public override string ToString() => $"{Bus:x2}:{Device:x2}.{Function:x1}";
}
