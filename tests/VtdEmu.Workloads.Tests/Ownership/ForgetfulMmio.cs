namespace VtdEmu.Workloads.Tests.Ownership;

/// <summary>
/// A driver's view of a register-invalidation unit that loses context-cache invalidations (CCMD writes) — all of
/// them, or only those naming one source-id — so the hardware keeps serving what it cached. The driver's completion
/// polls see ICC clear and carry on, as with a lost write.
/// </summary>
internal sealed class ForgetfulMmio(IMmio inner, ushort? onlySid = null) : IMmio
{
    private const ulong Ccmd = 0x028;

    public int Length => inner.Length;

    public bool Forgetting { get; set; }

    public ulong Read(ulong offset, int size) => inner.Read(offset, size);

    public void Write(ulong offset, int size, ulong value)
    {
        // CCMD.SID is bits 31:16 (spec §11.4.7.1).
        if (Forgetting && offset == Ccmd && (onlySid is null || ((value >> 16) & 0xFFFF) == onlySid))
        {
            return;
        }

        inner.Write(offset, size, value);
    }
}
