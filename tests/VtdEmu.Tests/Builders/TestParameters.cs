using VtdEmu.Registers;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Builders;

/// <summary>CAP/ECAP values for translation tests, built from the spec's bit positions (§10.4.2, §10.4.3).</summary>
internal static class TestParameters
{
    public const int Haw = 46;

    public const ulong DT = 1UL << 2;
    public const ulong PT = 1UL << 6;
    public const ulong SC = 1UL << 7;
    public const ulong NEST = 1UL << 26;
    public const ulong PRS = 1UL << 29;
    public const ulong SMTS = 1UL << 43;
    public const ulong SLADS = 1UL << 45;
    public const ulong SLTS = 1UL << 46;
    public const ulong FLTS = 1UL << 47;
    public const ulong RPS = 1UL << 49;
    public const ulong ADMS = 1UL << 52;

    /// <summary>Scalable mode with second-level and pass-through, RID_PASID and abort-DMA support; no DT, SC, FLTS or NEST.</summary>
    public const ulong DefaultEcap = PT | SMTS | SLTS | RPS | ADMS;

    /// <summary>CAP with SAGAW (bit 1 = 3-level … bit 3 = 5-level), MGAW (width − 1) and SLLPS (bit 0 = 2 MiB, bit 1 = 1 GiB).</summary>
    public static ulong Cap(int sagaw = 0b01110, int mgaw = 56, int sllps = 0b11) =>
        ((ulong)sagaw << 8) | ((ulong)mgaw << 16) | ((ulong)sllps << 34);

    public static TranslationParameters Create(ulong? cap = null, ulong ecap = DefaultEcap, int haw = Haw) =>
        new(new CapabilityRegister(cap ?? Cap()), new ExtendedCapabilityRegister(ecap), haw);
}
