using VtdEmu.Internal;

namespace VtdEmu.Interrupts;

/// <summary>
/// The unit state interrupt processing depends on: GSTS.IRES, GSTS.CFIS and the IRTA value latched
/// by the last SIRTP (base 63:12, EIME 11, S 3:0; VT-d spec §11.4.17? "IRTA_REG").
/// </summary>
/// <param name="Enabled">GSTS.IRES: interrupt remapping is enabled.</param>
/// <param name="CompatibilityAllowed">GSTS.CFIS: compatibility-format requests pass through (xAPIC mode only).</param>
/// <param name="Irta">The latched IRTA value.</param>
public readonly record struct InterruptRemapState(bool Enabled, bool CompatibilityAllowed, ulong Irta)
{
    /// <summary>Interrupt-remapping table base (IRTA bits 63:12).</summary>
    public ulong TableBase => Irta & Bits.Range(63, 12);

    /// <summary>IRTA.EIME: x2APIC mode (32-bit destinations; compatibility format always blocked).</summary>
    public bool X2Apic => Bits.IsSet(Irta, 11);

    /// <summary>Number of IRTEs: 2^(S + 1).</summary>
    public int EntryCount => 2 << (int)Bits.Get(Irta, 3, 0);
}
