using VtdEmu.Faults;
using VtdEmu.Registers;
using VtdEmu.Tables;
using VtdEmu.Tests.Builders;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Platform;

/// <summary>
/// End-to-end DMA through a remapping unit: tables built in guest RAM, the unit programmed through
/// MMIO only (RTADDR, GCMD.SRTP, GCMD.TE), devices transferring bytes, faults read back from FRCD.
/// </summary>
public sealed class PlatformTests
{
    private const ushort Nic = 0x0018;      // 00:03.0
    private const ushort Disk = 0x0100;     // 01:00.0
    private const ushort Did = 7;

    private readonly VtdEmu.Platform _platform = new(UnitConfiguration.Qemu);
    private readonly TableBuilder _tables;

    public PlatformTests() => _tables = new TableBuilder(_platform.Memory);

    [Fact]
    public void Dma_TranslationDisabled_PassesUntranslated()
    {
        PciEndpoint nic = _platform.AddDevice(Nic);

        DmaResult result = nic.Write(0x5000, [1, 2, 3]);

        Assert.Equal(DmaStatus.Completed, result.Status);
        Assert.True(_platform.Memory.TryRead32(0x5000, out uint value));
        Assert.Equal(0x0003_0201u, value);
    }

    [Fact]
    public void DmaWrite_AcrossPages_EachPageTranslatedToItsOwnFrame()
    {
        // IOVA 0x1000-0x2FFF map to two frames in reverse order: the copy must follow the page tables.
        ulong slptptr = _tables.SecondLevel(3, (0x1000, 0x9000, 0x1000, DmaAccess.ReadWrite), (0x2000, 0x7000, 0x1000, DmaAccess.ReadWrite));
        Enable(_tables.Legacy(Nic, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slptptr, aw: 1)).RootTable);
        byte[] data = Enumerable.Range(0, 0x20).Select(i => (byte)i).ToArray();

        DmaResult result = _platform.AddDevice(Nic).Write(0x1FF0, data);

        Assert.Equal(new DmaResult(DmaStatus.Completed, 0x20, FaultReason.None, 0x2010), result);
        byte[] low = new byte[0x10];
        byte[] high = new byte[0x10];
        Assert.True(_platform.Memory.TryRead(0x9FF0, low));
        Assert.True(_platform.Memory.TryRead(0x7000, high));
        Assert.Equal(data[..0x10], low);
        Assert.Equal(data[0x10..], high);
    }

    [Fact]
    public void DmaRead_UnmappedSecondPage_StopsThereAndRecordsReadFault()
    {
        ulong slptptr = _tables.SecondLevel(3, (0x1000, 0x9000, 0x1000, DmaAccess.Read));
        Enable(_tables.Legacy(Nic, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slptptr, aw: 1)).RootTable);

        DmaResult result = _platform.AddDevice(Nic).Read(0x1800, new byte[0x1000]);

        // The first 0x800 bytes come from the mapped page; 0x2000 is not present (legacy: LGN.3, 0x06).
        Assert.Equal(new DmaResult(DmaStatus.Faulted, 0x800, FaultReason.ReadDenied, 0x2000), result);
        FaultRecordingRegister frcd = ReadFrcd(0);
        Assert.True(frcd.F);
        Assert.Equal(Nic, frcd.SourceId);
        Assert.Equal(0x2000UL, frcd.FaultInfo);
        Assert.Equal((byte)FaultReason.ReadDenied, frcd.Reason);
        Assert.True(frcd.ReadRequest);
        Assert.Equal(2u, Fsts() & 2u); // FSTS.PPF
    }

    [Fact]
    public void DmaWrite_ReadOnlyPage_RecordsWriteFaultWithWriteType()
    {
        ulong slptptr = _tables.SecondLevel(3, (0x1000, 0x9000, 0x1000, DmaAccess.Read));
        Enable(_tables.Legacy(Nic, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slptptr, aw: 1)).RootTable);

        DmaResult result = _platform.AddDevice(Nic).Write(0x1000, [0xAA]);

        Assert.Equal(DmaStatus.Faulted, result.Status);
        Assert.Equal(FaultReason.WriteDenied, result.Fault);
        FaultRecordingRegister frcd = ReadFrcd(0);
        Assert.Equal((byte)FaultReason.WriteDenied, frcd.Reason);
        Assert.False(frcd.ReadRequest);
        Assert.True(_platform.Memory.TryRead32(0x9000, out uint untouched));
        Assert.Equal(0u, untouched);
    }

    [Fact]
    public void Dma_ContextNotPresentWithFpd_BlockedButNotRecorded()
    {
        ContextEntry notPresent = ContextEntry.Create(Did, TranslationType.UntranslatedOnly, 0, aw: 1, fpd: true, present: false);
        Enable(_tables.Legacy(Nic, notPresent).RootTable);

        DmaResult result = _platform.AddDevice(Nic).Write(0x1000, [1]);

        Assert.Equal(FaultReason.ContextEntryNotPresent, result.Fault);
        Assert.False(ReadFrcd(0).F);
        Assert.Equal(0u, Fsts());
    }

    [Fact]
    public void Dma_RootNotPresent_RecordedEvenForAnotherBus()
    {
        ulong slptptr = _tables.SecondLevel(3, (0x1000, 0x9000, 0x1000, DmaAccess.ReadWrite));
        Enable(_tables.Legacy(Nic, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slptptr, aw: 1)).RootTable);

        DmaResult result = _platform.AddDevice(Disk).Read(0x1000, new byte[4]);

        Assert.Equal(FaultReason.RootEntryNotPresent, result.Fault);
        Assert.Equal(Disk, ReadFrcd(0).SourceId);
    }

    [Fact]
    public void Dma_TranslatedOutsideRam_UnsupportedRequestAndNoFault()
    {
        ulong slptptr = _tables.SecondLevel(3, (0x1000, 0x8000_0000, 0x1000, DmaAccess.ReadWrite));
        Enable(_tables.Legacy(Nic, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, slptptr, aw: 1)).RootTable);

        DmaResult result = _platform.AddDevice(Nic).Write(0x1000, [1]);

        Assert.Equal(DmaStatus.UnsupportedRequest, result.Status);
        Assert.False(ReadFrcd(0).F);
    }

    [Fact]
    public void Dma_ConcurrentDevices_AllFaultsCountedConsistently()
    {
        // Many threads fault at once: recording is serialised, so FRCD/FSTS stay consistent
        // (QEMU preset: one FRCD, so the first fault fills it and the rest overflow or compress).
        Enable(_tables.Legacy(Nic, ContextEntry.Create(Did, TranslationType.UntranslatedOnly, 0, aw: 1, present: false)).RootTable);
        PciEndpoint nic = _platform.AddDevice(Nic);

        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 500; i++)
            {
                Assert.Equal(FaultReason.ContextEntryNotPresent, nic.Read((ulong)i << 12, new byte[8]).Fault);
            }
        });

        FaultRecordingRegister frcd = ReadFrcd(0);
        Assert.True(frcd.F);
        Assert.Equal((byte)FaultReason.ContextEntryNotPresent, frcd.Reason);
        Assert.Equal(2u, Fsts() & 2u);
    }

    private void Enable(ulong rootTable)
    {
        RemappingUnit unit = _platform.Unit;
        unit.Write((ulong)VtdRegister.RTADDR, 8, rootTable);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.SRTP);
        Assert.NotEqual(0UL, unit.Read((ulong)VtdRegister.GSTS, 4) & (uint)GlobalStatus.RTPS);
        unit.Write((ulong)VtdRegister.GCMD, 4, (uint)GlobalCommand.TE);
        Assert.NotEqual(0UL, unit.Read((ulong)VtdRegister.GSTS, 4) & (uint)GlobalStatus.TES);
    }

    private uint Fsts() => (uint)_platform.Unit.Read((ulong)VtdRegister.FSTS, 4);

    private FaultRecordingRegister ReadFrcd(int index)
    {
        ulong offset = (ulong)(_platform.Unit.Configuration.Capability.FaultRecordingOffset + (16 * index));
        return new FaultRecordingRegister(_platform.Unit.Read(offset, 8), _platform.Unit.Read(offset + 8, 8));
    }

    // Decodes FRCD from its two QWORDs, written here from the register layout (fault-recording.md).
    private readonly record struct FaultRecordingRegister(ulong Low, ulong High)
    {
        public bool F => (High >> 63) != 0;

        public ushort SourceId => (ushort)(High & 0xFFFF);

        public ulong FaultInfo => Low & ~0xFFFUL;

        public byte Reason => (byte)((High >> 32) & 0xFF);

        public bool ReadRequest => ((High >> 62) & 1) != 0;
    }
}
