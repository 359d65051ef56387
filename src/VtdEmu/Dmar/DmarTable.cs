using System.Buffers.Binary;
using System.Text;

namespace VtdEmu.Dmar;

/// <summary>
/// An ACPI DMA Remapping Reporting table (DMAR, VT-d spec ch. 8) — the bytes Linux exposes as
/// <c>/sys/firmware/acpi/tables/DMAR</c>. <see cref="TryParse"/> checks every length against its
/// container and reports the first problem as a <see cref="DmarError"/> with its byte offset; it never
/// throws on any input. Layouts and choices: spec-notes/dmar.md.
/// </summary>
public sealed class DmarTable
{
    /// <summary>Size of the ACPI header plus the DMAR fields before the first remapping structure.</summary>
    public const int HeaderLength = 48;

    private DmarTable()
    {
    }

    /// <summary>ACPI header revision.</summary>
    public byte Revision { get; private init; }

    /// <summary>OEM id (6 characters).</summary>
    public string OemId { get; private init; } = string.Empty;

    /// <summary>OEM table id (8 characters).</summary>
    public string OemTableId { get; private init; } = string.Empty;

    /// <summary>Host address width: the stored field plus one (spec §8.1).</summary>
    public int HostAddressWidth { get; private init; }

    /// <summary>Flags: bit 0 INTR_REMAP, bit 1 X2APIC_OPT_OUT, bit 2 DMA_CTRL_PLATFORM_OPT_IN.</summary>
    public byte Flags { get; private init; }

    /// <summary>Flags bit 0: the platform supports interrupt remapping.</summary>
    public bool InterruptRemapping => (Flags & 1) != 0;

    /// <summary>Flags bit 1: firmware asks the OS not to enable x2APIC mode.</summary>
    public bool X2ApicOptOut => (Flags & 2) != 0;

    /// <summary>Flags bit 2: firmware set up DMA protection the OS may keep.</summary>
    public bool DmaControlOptIn => (Flags & 4) != 0;

    /// <summary>The remapping units, in table order.</summary>
    public IReadOnlyList<DmarDrhd> Units { get; private init; } = [];

    /// <summary>Reserved memory regions.</summary>
    public IReadOnlyList<DmarRmrr> ReservedRegions { get; private init; } = [];

    /// <summary>Root-port ATS capability structures.</summary>
    public IReadOnlyList<DmarAtsr> AtsRootPorts { get; private init; } = [];

    /// <summary>SoC-integrated address translation caches.</summary>
    public IReadOnlyList<DmarSatc> IntegratedAtcs { get; private init; } = [];

    /// <summary>Unit affinities.</summary>
    public IReadOnlyList<DmarRhsa> Affinities { get; private init; } = [];

    /// <summary>Structures of other types (ANDD, SIDP, future types): offset and type, skipped by their length.</summary>
    public IReadOnlyList<(int Offset, ushort Type)> OtherStructures { get; private init; } = [];

    /// <summary>Parses <paramref name="bytes"/>; false with the first problem in <paramref name="error"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out DmarTable table, out DmarError error)
    {
        table = new DmarTable();
        error = default;
        if (bytes.Length < HeaderLength)
        {
            error = new DmarError(bytes.Length, $"table is {bytes.Length} bytes, shorter than the {HeaderLength}-byte DMAR header");
            return false;
        }

        if (!bytes[..4].SequenceEqual("DMAR"u8))
        {
            error = new DmarError(0, $"signature is \"{Printable(bytes[..4])}\", not \"DMAR\"");
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (length < HeaderLength || length > (uint)bytes.Length)
        {
            error = new DmarError(4, $"header length {length} is outside {HeaderLength}..{bytes.Length} (the bytes given)");
            return false;
        }

        bytes = bytes[..(int)length];
        byte sum = 0;
        foreach (byte b in bytes)
        {
            sum = unchecked((byte)(sum + b));
        }

        if (sum != 0)
        {
            error = new DmarError(9, $"checksum 0x{bytes[9]:x2} is wrong: the bytes sum to 0x{sum:x2}, not 0");
            return false;
        }

        var units = new List<DmarDrhd>();
        var regions = new List<DmarRmrr>();
        var atsr = new List<DmarAtsr>();
        var satc = new List<DmarSatc>();
        var rhsa = new List<DmarRhsa>();
        var other = new List<(int, ushort)>();
        int at = HeaderLength;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 4)
            {
                error = new DmarError(at, $"{bytes.Length - at} trailing byte(s), too few for a structure header");
                return false;
            }

            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(at + 2)..]);
            int minimum = type switch
            {
                0 => 16,
                1 => 24,
                2 or 5 => 8,
                3 => 20,
                _ => 4,
            };
            if (size < minimum || size > bytes.Length - at)
            {
                error = new DmarError(at + 2, $"{TypeName(type)} length {size} is outside {minimum}..{bytes.Length - at} (the bytes left)");
                return false;
            }

            ReadOnlySpan<byte> s = bytes.Slice(at, size);
            List<DeviceScope>? scopes = null;
            int scopesAt = type switch { 0 => 16, 1 => 24, 2 or 5 => 8, _ => -1 };
            if (scopesAt >= 0 && !TryParseScopes(s[scopesAt..], at + scopesAt, out scopes, out error))
            {
                return false;
            }

            ushort segment = BinaryPrimitives.ReadUInt16LittleEndian(s[Math.Min(6, size - 2)..]);
            switch (type)
            {
                case 0:
                    ulong registers = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
                    if ((registers & 0xFFF) != 0)
                    {
                        error = new DmarError(at + 8, $"DRHD register base 0x{registers:x} is not 4 KiB aligned");
                        return false;
                    }

                    units.Add(new DmarDrhd(at, (s[4] & 1) != 0, s[5] & 0xF, segment, registers, scopes!));
                    break;
                case 1:
                    ulong first = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
                    ulong last = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
                    if (last < first)
                    {
                        error = new DmarError(at + 16, $"RMRR limit 0x{last:x} is below its base 0x{first:x}");
                        return false;
                    }

                    regions.Add(new DmarRmrr(at, segment, first, last, scopes!));
                    break;
                case 2:
                    atsr.Add(new DmarAtsr(at, (s[4] & 1) != 0, segment, scopes!));
                    break;
                case 3:
                    rhsa.Add(new DmarRhsa(at, BinaryPrimitives.ReadUInt64LittleEndian(s[8..]), BinaryPrimitives.ReadUInt32LittleEndian(s[16..])));
                    break;
                case 5:
                    satc.Add(new DmarSatc(at, (s[4] & 1) != 0, segment, scopes!));
                    break;
                default:
                    other.Add((at, type));
                    break;
            }

            at += size;
        }

        table = new DmarTable
        {
            Revision = bytes[8],
            OemId = Printable(bytes.Slice(10, 6)),
            OemTableId = Printable(bytes.Slice(16, 8)),
            HostAddressWidth = bytes[36] + 1,
            Flags = bytes[37],
            Units = units,
            ReservedRegions = regions,
            AtsRootPorts = atsr,
            IntegratedAtcs = satc,
            Affinities = rhsa,
            OtherStructures = other,
        };
        return true;
    }

    /// <summary>A readable description, one line per structure and scope.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"DMAR rev {Revision} oem \"{OemId}\" \"{OemTableId}\": HAW {HostAddressWidth}, flags 0x{Flags:x2}{(InterruptRemapping ? " INTR_REMAP" : string.Empty)}{(X2ApicOptOut ? " X2APIC_OPT_OUT" : string.Empty)}{(DmaControlOptIn ? " DMA_CTRL_PLATFORM_OPT_IN" : string.Empty)}");
        for (int i = 0; i < Units.Count; i++)
        {
            DmarDrhd unit = Units[i];
            text.AppendLine($"unit {i}: DRHD at 0x{unit.Offset:x}, registers 0x{unit.RegisterBase:x} ({1 << unit.Size} page(s)), segment {unit.Segment}{(unit.IncludePciAll ? ", INCLUDE_PCI_ALL" : string.Empty)}");
            AppendScopes(text, unit.Scopes);
        }

        foreach (DmarRmrr region in ReservedRegions)
        {
            text.AppendLine($"RMRR at 0x{region.Offset:x}: 0x{region.Base:x}-0x{region.Limit:x}, segment {region.Segment}");
            AppendScopes(text, region.Scopes);
        }

        foreach (DmarAtsr ports in AtsRootPorts)
        {
            text.AppendLine($"ATSR at 0x{ports.Offset:x}: segment {ports.Segment}{(ports.AllPorts ? ", ALL_PORTS" : string.Empty)}");
            AppendScopes(text, ports.Scopes);
        }

        foreach (DmarSatc atc in IntegratedAtcs)
        {
            text.AppendLine($"SATC at 0x{atc.Offset:x}: segment {atc.Segment}{(atc.AtcRequired ? ", ATC_REQUIRED" : string.Empty)}");
            AppendScopes(text, atc.Scopes);
        }

        foreach (DmarRhsa affinity in Affinities)
        {
            text.AppendLine($"RHSA at 0x{affinity.Offset:x}: unit 0x{affinity.RegisterBase:x} in proximity domain {affinity.ProximityDomain}");
        }

        foreach ((int offset, ushort type) in OtherStructures)
        {
            text.AppendLine($"structure type {type} at 0x{offset:x} (skipped)");
        }

        return text.ToString();
    }

    private static void AppendScopes(StringBuilder text, IReadOnlyList<DeviceScope> scopes)
    {
        foreach (DeviceScope scope in scopes)
        {
            text.AppendLine($"  scope {scope}");
        }
    }

    private static bool TryParseScopes(ReadOnlySpan<byte> bytes, int offset, out List<DeviceScope> scopes, out DmarError error)
    {
        scopes = [];
        error = default;
        int at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 2)
            {
                error = new DmarError(offset + at, "a device scope header runs past its structure");
                return false;
            }

            int size = bytes[at + 1];
            if (size < 6 || size > bytes.Length - at || (size - 6) % 2 != 0)
            {
                error = new DmarError(offset + at + 1, $"device scope length {size} is not 6 + 2n within the {bytes.Length - at} byte(s) left");
                return false;
            }

            var path = new List<(byte, byte)>();
            for (int hop = at + 6; hop < at + size; hop += 2)
            {
                path.Add((bytes[hop], bytes[hop + 1]));
            }

            scopes.Add(new DeviceScope((DeviceScopeType)bytes[at], bytes[at + 4], bytes[at + 5], path));
            at += size;
        }

        return true;
    }

    private static string TypeName(ushort type) => type switch
    {
        0 => "DRHD",
        1 => "RMRR",
        2 => "ATSR",
        3 => "RHSA",
        4 => "ANDD",
        5 => "SATC",
        _ => $"structure type {type}",
    };

    private static string Printable(ReadOnlySpan<byte> raw)
    {
        var text = new StringBuilder(raw.Length);
        foreach (byte b in raw)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return text.ToString().TrimEnd();
    }
}
