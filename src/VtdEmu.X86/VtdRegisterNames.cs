using System.Globalization;
using VtdEmu.Registers;

namespace VtdEmu.X86;

/// <summary>
/// Spec names for offsets in a remapping unit's register page, for traces: the fixed registers of
/// <see cref="VtdRegister"/>, IVA/IOTLB at ECAP.IRO×16 and FRCD[i] at CAP.FRO×16 + 16·i
/// (VT-d spec §10.4.2, §10.4.3, §10.4.14, §10.4.8). A byte inside a register is named
/// <c>NAME+n</c>, so the upper DWORD of RTADDR is <c>RTADDR+4</c>.
/// </summary>
public sealed class VtdRegisterNames
{
    private const int FaultRecordSize = 16;
    private const int IotlbOffsetInBlock = 8;

    private readonly CapabilityRegister _cap;
    private readonly ExtendedCapabilityRegister _ecap;

    public VtdRegisterNames(CapabilityRegister cap, ExtendedCapabilityRegister ecap)
    {
        _cap = cap;
        _ecap = ecap;
    }

    /// <summary>Reads CAP (0x08) and ECAP (0x10) through the device, both side-effect-free reads.</summary>
    public static VtdRegisterNames FromDevice(IMmio device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new VtdRegisterNames(
            new CapabilityRegister(device.Read((ulong)VtdRegister.CAP, 8)),
            new ExtendedCapabilityRegister(device.Read((ulong)VtdRegister.ECAP, 8)));
    }

    /// <summary>The spec name of the register holding byte <paramref name="offset"/>, or its hex offset when none does.</summary>
    public string Name(ulong offset)
    {
        ulong frcd = (ulong)_cap.FaultRecordingOffset;
        ulong frcdEnd = frcd + ((ulong)_cap.FaultRecordingCount * FaultRecordSize);
        if (frcd != 0 && offset >= frcd && offset < frcdEnd)
        {
            ulong index = (offset - frcd) / FaultRecordSize;
            return WithinRegister(string.Create(CultureInfo.InvariantCulture, $"FRCD[{index}]"), (offset - frcd) % FaultRecordSize);
        }

        ulong iva = (ulong)_ecap.IotlbRegisterOffset;
        if (iva != 0 && offset >= iva && offset < iva + (2 * IotlbOffsetInBlock))
        {
            ulong within = offset - iva;
            return within < IotlbOffsetInBlock ? WithinRegister("IVA", within) : WithinRegister("IOTLB", within - IotlbOffsetInBlock);
        }

        // A fixed register starts at the DWORD itself, or the DWORD is the upper half of a 64-bit register.
        ulong dword = offset & ~3UL;
        if (Enum.IsDefined((VtdRegister)dword))
        {
            return WithinRegister(((VtdRegister)dword).ToString(), offset - dword);
        }

        ulong qword = offset & ~7UL;
        if (qword != dword && Is64Bit((VtdRegister)qword))
        {
            return WithinRegister(((VtdRegister)qword).ToString(), offset - qword);
        }

        return string.Create(CultureInfo.InvariantCulture, $"0x{offset:X3}");
    }

    /// <summary>The fixed registers the spec defines as 64-bit (spec-notes/registers.md register map).</summary>
    private static bool Is64Bit(VtdRegister register) => register is VtdRegister.CAP or VtdRegister.ECAP or VtdRegister.RTADDR
        or VtdRegister.CCMD or VtdRegister.AFLOG or VtdRegister.PHMBASE or VtdRegister.PHMLIMIT or VtdRegister.IQH
        or VtdRegister.IQT or VtdRegister.IQA or VtdRegister.IQERCD or VtdRegister.IRTA or VtdRegister.PQH
        or VtdRegister.PQT or VtdRegister.PQA or VtdRegister.MTRRCAP or VtdRegister.MTRRDEF;

    private static string WithinRegister(string name, ulong byteOffset) =>
        byteOffset == 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}+{byteOffset}");
}
