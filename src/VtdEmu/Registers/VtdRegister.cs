namespace VtdEmu.Registers;

/// <summary>
/// Offsets of the remapping-hardware registers in the unit's register block
/// (VT-d spec chapter "Register Descriptions", §10.4 in rev 3.x / §11.4 in rev 4.x).
/// The IOTLB registers (IVA, IOTLB) and the fault recording registers (FRCD) have no fixed
/// offset: they sit at ECAP.IRO×16 and CAP.FRO×16 (see <see cref="CapabilityRegister"/>).
/// </summary>
public enum VtdRegister
{
    VER = 0x000,
    CAP = 0x008,
    ECAP = 0x010,
    GCMD = 0x018,
    GSTS = 0x01C,
    RTADDR = 0x020,
    CCMD = 0x028,
    FSTS = 0x034,
    FECTL = 0x038,
    FEDATA = 0x03C,
    FEADDR = 0x040,
    FEUADDR = 0x044,
    AFLOG = 0x058,
    PMEN = 0x064,
    PLMBASE = 0x068,
    PLMLIMIT = 0x06C,
    PHMBASE = 0x070,
    PHMLIMIT = 0x078,
    IQH = 0x080,
    IQT = 0x088,
    IQA = 0x090,
    ICS = 0x09C,
    IECTL = 0x0A0,
    IEDATA = 0x0A4,
    IEADDR = 0x0A8,
    IEUADDR = 0x0AC,
    IQERCD = 0x0B0,
    IRTA = 0x0B8,
    PQH = 0x0C0,
    PQT = 0x0C8,
    PQA = 0x0D0,
    PRS = 0x0DC,
    PECTL = 0x0E0,
    PEDATA = 0x0E4,
    PEADDR = 0x0E8,
    PEUADDR = 0x0EC,
    MTRRCAP = 0x100,
    MTRRDEF = 0x108,
}
