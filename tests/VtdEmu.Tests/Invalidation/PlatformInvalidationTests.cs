using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;
using D = VtdEmu.Tests.Invalidation.QueueDescriptors;

namespace VtdEmu.Tests.Invalidation;

/// <summary>
/// Driver-like sequences on a <see cref="VtdEmu.Platform"/> with the caches in the translate path:
/// a change without the required invalidation leaves the old translation in use (spec-notes/caching.md "What software must invalidate"),
/// the invalidation the spec requires makes the new one appear.
/// </summary>
public sealed class PlatformInvalidationTests
{
    private const ushort Nic = 0x0018;
    private const ushort Did = 7;
    private const ulong Iova = 0x1000;
    private const ulong OldFrame = 0x9000;
    private const ulong NewFrame = 0xA000;
    private const ulong QueueBase = 0x80_0000;
    private const ulong StatusAddress = 0x90_0000;

    private readonly VtdEmu.Platform _platform = new(UnitConfiguration.Qemu);
    private readonly TableBuilder _tables;

    public PlatformInvalidationTests() => _tables = new TableBuilder(_platform.Memory);

    [Fact]
    public void Remap_WithoutInvalidation_Stale_QueuedPsiAndWait_NewTranslation()
    {
        ulong slptptr = _tables.SecondLevel(3, (Iova, OldFrame, 0x1000, DmaAccess.ReadWrite));
        Enable(_tables.Legacy(Nic, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slptptr, aw: 1)).RootTable);
        PciEndpoint nic = _platform.AddDevice(Nic);
        Assert.Equal(DmaStatus.Completed, nic.Write(Iova, [0x11]).Status);
        Assert.Equal(0x11, ReadByte(OldFrame));

        // The driver changes the leaf and forgets the invalidation: the cached translation is still used.
        _tables.Map(slptptr, 3, Iova, NewFrame, 0x1000, DmaAccess.ReadWrite);
        Assert.Equal(DmaStatus.Completed, nic.Write(Iova, [0x22]).Status);
        Assert.Equal(0x22, ReadByte(OldFrame));
        Assert.Equal(0, ReadByte(NewFrame));

        // Page-selective IOTLB invalidation (IH = 1: only a leaf changed) and a wait, through the queue.
        var queue = new InvalidationQueueDriver(_platform.Unit, _platform.Memory, queueBase: QueueBase);
        queue.Submit(D.Iotlb(3, Did, Iova, am: 0, ih: true), D.Wait(sw: true, data: 1, address: StatusAddress));
        Assert.True(_platform.Memory.TryRead32(StatusAddress, out uint status));
        Assert.Equal(1u, status);

        Assert.Equal(DmaStatus.Completed, nic.Write(Iova, [0x33]).Status);
        Assert.Equal(0x33, ReadByte(NewFrame));
        Assert.Equal(0x22, ReadByte(OldFrame));
    }

    [Fact]
    public void ContextChange_CcmdDeviceSelectiveAlone_IotlbStillStale_IotlbDomainSelective_NewTables()
    {
        ulong oldTables = _tables.SecondLevel(3, (Iova, OldFrame, 0x1000, DmaAccess.ReadWrite));
        LegacyTables legacy = _tables.Legacy(Nic, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, oldTables, aw: 1));
        Enable(legacy.RootTable);
        PciEndpoint nic = _platform.AddDevice(Nic);
        Assert.Equal(DmaStatus.Completed, nic.Write(Iova, [0x11]).Status);

        // Same DID, new second-level tables.
        ulong newTables = _tables.SecondLevel(3, (Iova, NewFrame, 0x1000, DmaAccess.ReadWrite));
        _tables.Write(legacy.ContextEntry, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, newTables, aw: 1));
        Assert.Equal(DmaStatus.Completed, nic.Write(Iova, [0x22]).Status);
        Assert.Equal(0x22, ReadByte(OldFrame)); // stale context (and IOTLB)

        // CCMD device-selective: the context entry is re-read, but the IOTLB entry tagged DID 7 still answers.
        RemappingUnit unit = _platform.Unit;
        unit.Write((ulong)VtdRegister.CCMD, 8, (1UL << 63) | (3UL << 61) | ((ulong)Nic << 16) | Did);
        Assert.Equal(3UL, (unit.Read((ulong)VtdRegister.CCMD, 8) >> 59) & 3);
        Assert.Equal(DmaStatus.Completed, nic.Write(Iova, [0x33]).Status);
        Assert.Equal(0x33, ReadByte(OldFrame));

        // IOTLB domain-selective for the DID: now the new tables are walked.
        ulong iotlb = (ulong)unit.ExtendedCapability.IotlbRegisterOffset + 8;
        unit.Write(iotlb, 8, (1UL << 63) | (2UL << 60) | ((ulong)Did << 32));
        Assert.Equal(2UL, (unit.Read(iotlb, 8) >> 57) & 3);
        Assert.Equal(DmaStatus.Completed, nic.Write(Iova, [0x44]).Status);
        Assert.Equal(0x44, ReadByte(NewFrame));
    }

    private byte ReadByte(ulong address)
    {
        Span<byte> value = stackalloc byte[1];
        Assert.True(_platform.Memory.TryRead(address, value));
        return value[0];
    }

    private void Enable(ulong rootTable)
    {
        RemappingUnit unit = _platform.Unit;
        unit.Write((ulong)VtdRegister.RTADDR, 8, rootTable);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);
    }
}
