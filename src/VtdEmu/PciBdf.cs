using System.Globalization;

namespace VtdEmu;

/// <summary>
/// A PCI requester identity, bus:device.function, written <c>bb:dd.f</c> in hex. Its 16-bit
/// source-id (bus in 15:8, device in 7:3, function in 2:0) is what a remapping unit uses to pick
/// the root and context entries (VT-d spec §3.4.1), and what the driver layer calls the requester ID.
/// One type for every layer: the core, the driver layer and the scenario languages.
/// </summary>
public readonly record struct PciBdf
{
    /// <summary>The largest device (slot) number, 31.</summary>
    public const int MaxDevice = 0x1F;

    /// <summary>The largest function number, 7.</summary>
    public const int MaxFunction = 0x7;

    /// <summary>Creates a BDF; throws when device or function is out of range (a programming error).</summary>
    /// <param name="bus">Bus number.</param>
    /// <param name="device">Device (slot) number, 0–31.</param>
    /// <param name="function">Function number, 0–7.</param>
    public PciBdf(byte bus, byte device, byte function)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(device, (byte)MaxDevice);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(function, (byte)MaxFunction);
        Bus = bus;
        Device = device;
        Function = function;
    }

    /// <summary>Bus number.</summary>
    public byte Bus { get; }

    /// <summary>Device (slot) number, 0–31.</summary>
    public byte Device { get; }

    /// <summary>Function number, 0–7.</summary>
    public byte Function { get; }

    /// <summary>The 16-bit source-id (requester ID): bus 15:8, device 7:3, function 2:0.</summary>
    public ushort SourceId => (ushort)((Bus << 8) | (Device << 3) | Function);

    /// <summary>The BDF of a 16-bit source-id.</summary>
    public static PciBdf FromSourceId(ushort sourceId) =>
        new((byte)(sourceId >> 8), (byte)((sourceId >> 3) & MaxDevice), (byte)(sourceId & MaxFunction));

    /// <summary>
    /// Parses <c>bb:dd.f</c>: bus and device as one or two hex digits, function as one digit 0-7.
    /// </summary>
    public static bool TryParse(string? text, out PciBdf bdf) => TryParse(text.AsSpan(), out bdf);

    /// <summary>Parses <c>bb:dd.f</c> without allocating; see <see cref="TryParse(string?, out PciBdf)"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out PciBdf bdf)
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

        bdf = new PciBdf(bus, device, function);
        return true;
    }

    /// <summary>Formats as <c>bb:dd.f</c>, lower-case hex, e.g. <c>00:03.0</c>.</summary>
    public override string ToString() => $"{Bus:x2}:{Device:x2}.{Function:x1}";
}
