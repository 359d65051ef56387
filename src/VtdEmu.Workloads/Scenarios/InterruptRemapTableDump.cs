using System.Globalization;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Prints the interrupt-remapping table a unit latched with its last SIRTP (VT-d spec ch. 5, §9.10–§9.11):
/// the IRTA value and every present IRTE decoded, in the remapped or posted format its IM bit selects,
/// noting entries with reserved bits set (which the unit would fault with 0x24). Reads guest memory only;
/// bounded by a line budget. spec-notes/interrupt-remapping.md.
/// </summary>
public static class InterruptRemapTableDump
{
    private const uint IrtpsBit = 1U << 24;
    private const uint IresBit = 1U << 25;
    private const uint CfisBit = 1U << 23;

    /// <summary>Writes <paramref name="unit"/>'s IRT; returns the number of lines written.</summary>
    public static int Write(Platform platform, RemappingUnit unit, TextWriter output, int maxLines = TranslationStructureDump.DefaultMaxLines)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(output);
        uint status = (uint)unit.Read((ulong)VtdRegister.GSTS, 4);
        if ((status & IrtpsBit) == 0)
        {
            output.WriteLine("IRTA (latched): none, no SIRTP yet (GSTS.IRTPS=0)");
            return 1;
        }

        ulong irta = unit.InterruptRemapTable;
        bool x2Apic = (irta & (1UL << 11)) != 0;
        ulong table = irta & ~0xFFFUL;
        int count = 2 << (int)(irta & 0xF);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"IRTA (latched) 0x{irta:x}: table 0x{table:x}, {count} entries, {(x2Apic ? "x2APIC" : "xAPIC")} GSTS.IRES={((status & IresBit) != 0 ? 1 : 0)} CFIS={((status & CfisBit) != 0 ? 1 : 0)}"));
        int lines = 1;
        int present = 0;
        for (int index = 0; index < count; index++)
        {
            ulong at = table + ((ulong)index * InterruptRemapEntry.Size);
            if (!platform.Memory.TryRead64(at, out ulong low) || !platform.Memory.TryRead64(at + 8, out ulong high))
            {
                output.WriteLine($"  irte[{index}] at 0x{at:x} is not RAM (requests with this index fault 0x23)");
                return lines + 1;
            }

            if ((low & 1) == 0)
            {
                continue;
            }

            present++;
            if (lines >= maxLines)
            {
                continue;
            }

            output.WriteLine($"  irte[{index}] {Decode(low, high, x2Apic)}");
            lines++;
        }

        output.WriteLine($"  {present} present of {count}{(present > lines - 1 ? $" ({present - (lines - 1)} not shown: line budget)" : string.Empty)}");
        return lines + 1;
    }

    /// <summary>An IRTE in the format its IM bit (15) selects, with a note when it has reserved bits set.</summary>
    public static string Decode(ulong low, ulong high, bool x2Apic)
    {
        if ((low & (1UL << 15)) != 0)
        {
            var posted = new PostedInterruptRemapEntry(low, high);
            return posted.HasReservedBits ? $"{posted} (reserved bits set)" : posted.ToString();
        }

        var entry = new InterruptRemapEntry(low, high);
        return entry.HasReservedBits(x2Apic) ? $"{entry} (reserved bits set)" : entry.ToString();
    }
}
