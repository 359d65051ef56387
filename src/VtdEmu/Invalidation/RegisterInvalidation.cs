using VtdEmu.Internal;
using VtdEmu.Registers;

namespace VtdEmu.Invalidation;

/// <summary>
/// Register-based invalidation (VT-d spec §6.5.1, §11.4.4.x CCMD_REG, §11.4.8 IVA_REG / IOTLB_REG):
/// owns CCMD and the IOTLB register pair at ECAP.IRO. A write that sets ICC / IVT performs the request
/// through the <see cref="InvalidationEngine"/>, then clears the bit and reports the granularity
/// performed (CAIG / IAIG). Refused (granularity 0) while QI is enabled, outside legacy mode and from
/// VER 6.0 on (spec-notes/invalidation.md §1). Not thread-safe: the unit calls it under its state lock.
/// </summary>
internal sealed class RegisterInvalidation
{
    private const ulong CommandPending = 1UL << 63; // CCMD.ICC, IOTLB_REG.IVT

    private readonly RegisterFile _registers;
    private readonly GlobalCommandEngine _commands;
    private readonly InvalidationEngine _engine;
    private readonly int _majorVersion;
    private readonly int _iva;

    public RegisterInvalidation(
        RegisterFile registers, RegisterDispatch dispatch, UnitConfiguration configuration, GlobalCommandEngine commands, InvalidationEngine engine)
    {
        _registers = registers;
        _commands = commands;
        _engine = engine;
        _majorVersion = (int)(configuration.Version >> 4);
        _iva = configuration.ExtendedCapability.IotlbRegisterOffset;
        dispatch.On(VtdRegister.CCMD, OnContextCommandWritten);
        dispatch.On(_iva + 8, OnIotlbCommandWritten);
    }

    private bool Available =>
        (_commands.Status & GlobalStatus.QIES) == 0 && _majorVersion < 6 && _commands.RootTableMode == TranslationTableMode.Legacy;

    // CCMD written with ICC = 1 (the write covering bits 63:56, spec-notes/registers.md §4).
    private void OnContextCommandWritten()
    {
        ulong ccmd = _registers.Get64((int)VtdRegister.CCMD);
        if (!Bits.IsSet(ccmd, 63))
        {
            return;
        }

        ushort did = (ushort)Bits.Get(ccmd, 15, 0);
        var performed = InvalidationGranularity.None;
        if (Available)
        {
            _engine.FlushWriteBuffersImplicitly();
            performed = (InvalidationGranularity)Bits.Get(ccmd, 62, 61); // CIRG; each valid request is performed as asked
            switch (performed)
            {
                case InvalidationGranularity.Global:
                    _engine.ContextGlobal(InvalidationSource.Register);
                    break;
                case InvalidationGranularity.DomainSelective:
                    _engine.ContextDomain(InvalidationSource.Register, did);
                    break;
                case InvalidationGranularity.DeviceSelective:
                    _engine.ContextDevice(InvalidationSource.Register, (ushort)Bits.Get(ccmd, 31, 16), (int)Bits.Get(ccmd, 33, 32), did);
                    break;
                default:
                    break;
            }
        }

        Complete((int)VtdRegister.CCMD, ccmd, 60, performed);
    }

    // IOTLB_REG written with IVT = 1 (the write covering bits 63:56, spec-notes/registers.md §4); IVA holds the address.
    private void OnIotlbCommandWritten()
    {
        ulong command = _registers.Get64(_iva + 8);
        if (!Bits.IsSet(command, 63))
        {
            return;
        }

        ulong iva = _registers.Get64(_iva);
        var performed = InvalidationGranularity.None;
        if (Available)
        {
            // DR / DW (49 / 48): every DMA translated before this write has already completed, so the
            // drain is satisfied by the synchronous model (spec-notes/invalidation.md §2).
            _engine.FlushWriteBuffersImplicitly();
            performed = _engine.Iotlb(
                InvalidationSource.Register,
                (InvalidationGranularity)Bits.Get(command, 61, 60), // IIRG
                (ushort)Bits.Get(command, 47, 32),
                iva & Bits.Range(63, 12),
                (int)Bits.Get(iva, 5, 0),
                Bits.IsSet(iva, 6));
        }

        Complete(_iva + 8, command, 58, performed);
    }

    // Clears ICC / IVT and reports the performed granularity (CAIG 60:59 / IAIG 58:57; 0 = not performed).
    private void Complete(int offset, ulong value, int granularityMsb, InvalidationGranularity performed)
    {
        if (performed == InvalidationGranularity.None)
        {
            _engine.Totals.RegisterRequestsNotPerformed++;
        }

        _registers.Set64(offset, Bits.With(value & ~CommandPending, granularityMsb, granularityMsb - 1, (ulong)performed));
    }
}
