using VtdEmu.Caches;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tests.Registers;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Invalidation;

/// <summary>Register-based and queued invalidation of <see cref="RemappingUnit"/> (RemappingUnit.Invalidation.cs), through MMIO.</summary>
public sealed partial class RemappingUnitInvalidationTests
{
    private const ushort DidA = 5;
    private const ushort DidB = 9;
    private const ulong StatusAddress = 0x20_0000;

    private readonly RecordingInterruptSink _sink = new();
    private GuestMemory _memory = new(new MemoryRange(0, 1UL << 30));

    private RemappingUnit NewUnit(UnitConfiguration configuration)
    {
        _memory = new GuestMemory(new MemoryRange(0, 1UL << 30));
        return new RemappingUnit(_memory, configuration, _sink);
    }

    private RemappingUnit NewUnit(string preset = "qemu") => NewUnit(UnitConfiguration.FindPreset(preset)!);

    private static UnitConfiguration WithCapability(UnitConfiguration configuration, ulong set, ulong clear = 0) =>
        configuration with { Capability = new CapabilityRegister((configuration.Capability.Value & ~clear) | set) };

    private static ulong Read64(RemappingUnit unit, VtdRegister register) => unit.Read((ulong)register, 8);

    private static uint Read32(RemappingUnit unit, VtdRegister register) => (uint)unit.Read((ulong)register, 4);

    private static ulong IotlbRegister(RemappingUnit unit) => (ulong)unit.ExtendedCapability.IotlbRegisterOffset + 8;

    private static ulong IvaRegister(RemappingUnit unit) => (ulong)unit.ExtendedCapability.IotlbRegisterOffset;

    // Latches RTADDR with the given TTM through SRTP.
    private static void LatchRoot(RemappingUnit unit, TranslationTableMode mode)
    {
        unit.Write((ulong)VtdRegister.RTADDR, 8, 0x30_0000 | ((ulong)mode << 10));
        InvalidationQueueDriver.SetGlobalCommand(unit, GlobalCommand.SRTP, true);
    }

    private static IotlbEntry SecondLevel(ushort did, ulong address, PageSize size = PageSize.Size4K) =>
        new(did, 0, TranslationKind.SecondLevel, address, size, 0x4000_0000 | address, DmaAccess.ReadWrite);

    // Context entries for source-ids 0x10..0x17 (DID A) and 0x20 (DID B); IOTLB pages 0..7 of both DIDs; one PDE each.
    private static void FillCaches(TranslationCaches caches)
    {
        for (ushort sid = 0x10; sid < 0x18; sid++)
        {
            Assert.True(caches.ContextCache.Fill(new ContextCacheEntry(sid, DidA, [1UL, (ulong)DidA << 8])));
        }

        Assert.True(caches.ContextCache.Fill(new ContextCacheEntry(0x20, DidB, [1UL, (ulong)DidB << 8])));
        for (ulong page = 0; page < 8; page++)
        {
            Assert.True(caches.Iotlb.Fill(SecondLevel(DidA, page << 12)));
            Assert.True(caches.Iotlb.Fill(SecondLevel(DidB, page << 12)));
        }

        Assert.True(caches.PagingStructureCache.Fill(new PagingStructureEntry(DidA, 2, 0, 0x7000, DmaAccess.ReadWrite)));
        Assert.True(caches.PagingStructureCache.Fill(new PagingStructureEntry(DidB, 2, 0, 0x8000, DmaAccess.ReadWrite)));
    }

    private static bool HasContext(RemappingUnit unit, ushort sid) => unit.Caches.ContextCache.TryLookup(sid, out _);

    private static bool HasPage(RemappingUnit unit, ushort did, ulong address) =>
        unit.Caches.Iotlb.TryLookup(did, 0, TranslationKind.SecondLevel, address, out _);

    private static bool HasPde(RemappingUnit unit, ushort did) => unit.Caches.PagingStructureCache.TryLookup(did, 0, 2, out _);
}
