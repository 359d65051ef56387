using System.Buffers.Binary;
using VtdEmu.Devices;
using VtdEmu.Faults;
using VtdEmu.Interrupts;
using VtdEmu.Memory;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

/// <summary>
/// A stand-in platform for runner tests: a 4 KiB register block that stores what is written,
/// guest RAM from the setup, and a DMA path that completes for pages added with
/// <see cref="Allow"/> (IOVA = physical address) and blocks everything else with
/// <see cref="BlockedReason"/>.
/// </summary>
internal sealed class FakeScenarioTarget : IScenarioTarget, IMmio
{
    private readonly byte[] _registers = new byte[0x1000];
    private readonly Dictionary<(ushort SourceId, ulong Page), bool> _writable = [];

    public FakeScenarioTarget(ScenarioSetup setup)
    {
        Memory = new GuestMemory([.. setup.Ram]);
        Write(0x08, 8, setup.Cap ?? 0x00D2_008C_2226_0206);
        Write(0x10, 8, setup.Ecap ?? 0x0000_0000_00F0_0F4A);
    }

    public IMmio Mmio => this;

    public int UnitCount => 1;

    public IMmio UnitMmio(int index) => this;

    /// <summary>The MSIs signalled, in order.</summary>
    public List<(ushort SourceId, ulong Address, uint Data)> MsiLog { get; } = [];

    /// <summary>What <see cref="SignalMsi"/> answers.</summary>
    public InterruptRemapResult MsiResult { get; set; } = new(InterruptStatus.Delivered, new ApicInterrupt(1, 0x30), Index: 5, Remapped: true);

    /// <summary>What <see cref="AtsTranslate"/> answers.</summary>
    public AtsCompletion AtsResult { get; set; } = new(true, 0x1000, 0x9_1000, 12, true, false);

    /// <summary>What <see cref="RequestPage"/> answers, with the unit's own response.</summary>
    public (PageRequestOutcome Outcome, PageGroupResponse? Response) PageRequestResult { get; set; } = (PageRequestOutcome.Queued, null);

    /// <summary>The last request's PASID and write flag and the last PRG index asked.</summary>
    public (uint? Pasid, bool Write, ushort Group) LastRequest { get; private set; }

    /// <summary>Whether the last DMA was a translated request.</summary>
    public bool LastTranslated { get; private set; }

    public InterruptRemapResult SignalMsi(ushort sourceId, ulong address, uint data)
    {
        MsiLog.Add((sourceId, address, data));
        return MsiResult;
    }

    public AtsCompletion AtsTranslate(ushort sourceId, ulong iova, uint? pasid, bool write)
    {
        LastRequest = (pasid, write, 0);
        return AtsResult;
    }

    public PageRequestOutcome RequestPage(ushort sourceId, ulong iova, ushort groupIndex, uint? pasid, bool write, out PageGroupResponse? response)
    {
        LastRequest = (pasid, write, groupIndex);
        response = PageRequestResult.Response;
        return PageRequestResult.Outcome;
    }

    public PageGroupResponse? PageResponse(ushort sourceId, ushort groupIndex)
    {
        LastRequest = (null, false, groupIndex);
        return PageRequestResult.Response;
    }

    public GuestMemory Memory { get; }

    public int Length => _registers.Length;

    public FaultReason BlockedReason { get; set; } = FaultReason.ContextEntryNotPresent;

    public List<(ushort SourceId, ulong Iova, int Length, DmaDirection Direction)> DmaLog { get; } = [];

    public void Allow(ushort sourceId, ulong page, bool writable) => _writable[(sourceId, page)] = writable;

    public ulong Read(ulong offset, int size) => offset + (ulong)size > (ulong)_registers.Length
        ? ulong.MaxValue
        : size == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(_registers.AsSpan((int)offset))
            : BinaryPrimitives.ReadUInt64LittleEndian(_registers.AsSpan((int)offset));

    public void Write(ulong offset, int size, ulong value)
    {
        if (offset + (ulong)size > (ulong)_registers.Length)
        {
            return;
        }

        if (size == 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_registers.AsSpan((int)offset), (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_registers.AsSpan((int)offset), value);
        }
    }

    /// <summary>The PASID prefix of the last DMA (null PASID: none).</summary>
    public (uint? Pasid, bool Privileged, bool Execute) LastPasid { get; private set; }

    public DmaOutcome DmaRead(ushort sourceId, ulong iova, Span<byte> destination, uint? pasid = null, bool privileged = false, bool execute = false, bool translated = false)
    {
        LastPasid = (pasid, privileged, execute);
        LastTranslated = translated;
        DmaLog.Add((sourceId, iova, destination.Length, DmaDirection.Read));
        return _writable.ContainsKey((sourceId, iova >> 12)) && Memory.TryRead(iova, destination)
            ? DmaOutcome.Ok
            : new DmaOutcome(BlockedReason);
    }

    public DmaOutcome DmaWrite(ushort sourceId, ulong iova, ReadOnlySpan<byte> source, uint? pasid = null, bool privileged = false, bool execute = false, bool translated = false)
    {
        LastPasid = (pasid, privileged, execute);
        LastTranslated = translated;
        DmaLog.Add((sourceId, iova, source.Length, DmaDirection.Write));
        if (!_writable.TryGetValue((sourceId, iova >> 12), out bool writable))
        {
            return new DmaOutcome(BlockedReason);
        }

        return writable && Memory.TryWrite(iova, source) ? DmaOutcome.Ok : new DmaOutcome(FaultReason.WriteDenied);
    }
}
