using CsCheck;
using VtdEmu.Caches;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Translation;
using D = VtdEmu.Tests.Invalidation.QueueDescriptors;

namespace VtdEmu.Tests.Invalidation;

public sealed partial class RemappingUnitInvalidationTests
{
    public static TheoryData<bool> PsiSettings => [true, false];

    /// <summary>
    /// The same random cache contents in two units; one random request (context or IOTLB, any
    /// granularity including the reserved 00, any DID / SID / FM / address / AM / IH) through
    /// CCMD / IOTLB_REG on one and through the queue (plus a wait) on the other: every filled entry
    /// must be present in both or absent in both afterwards.
    /// </summary>
    [Theory]
    [MemberData(nameof(PsiSettings))]
    public void RegistersAndQueue_SameRequest_SameCacheContents(bool psi)
    {
        UnitConfiguration configuration = WithCapability(UnitConfiguration.Qemu, 0, clear: psi ? 0 : 1UL << 39);
        Gen.Select(Gen.ULong.Array[1, 80], Gen.ULong).Sample(
            (fills, request) =>
            {
                var viaRegisters = new RemappingUnit(new(new MemoryRange(0, 1UL << 24)), configuration);
                var memory = new GuestMemory(new MemoryRange(0, 1UL << 24));
                var viaQueue = new RemappingUnit(memory, configuration);
                foreach (ulong fill in fills)
                {
                    Fill(viaRegisters.Caches, fill);
                    Fill(viaQueue.Caches, fill);
                }

                bool context = (request & 1) == 0;
                int g = (int)((request >> 1) & 3);
                ushort did = (ushort)(1 + ((request >> 3) % 3));
                ushort sid = (ushort)(0x10 + ((request >> 5) & 0xF));
                int fm = (int)((request >> 9) & 3);
                ulong address = ((request >> 11) & 0x3FF) << 12;
                int am = (int)((request >> 21) % 24); // crosses MAMV (18)
                bool ih = ((request >> 26) & 1) != 0;

                var queue = new InvalidationQueueDriver(viaQueue, memory, queueBase: 0x10_0000);
                if (context)
                {
                    viaRegisters.Write((ulong)VtdRegister.CCMD, 8, (1UL << 63) | ((ulong)g << 61) | ((ulong)fm << 32) | ((ulong)sid << 16) | did);
                    queue.Submit(D.Context(g, did, sid, fm), D.Wait(sw: true, data: 1, address: 0x20_0000));
                }
                else
                {
                    viaRegisters.Write(IvaRegister(viaRegisters), 8, address | (uint)am | (ih ? 0x40UL : 0));
                    viaRegisters.Write(IotlbRegister(viaRegisters), 8, (1UL << 63) | ((ulong)g << 60) | ((ulong)did << 32));
                    queue.Submit(D.Iotlb(g, did, address, am, ih), D.Wait(sw: true, data: 1, address: 0x20_0000));
                }

                foreach (ulong fill in fills)
                {
                    Assert.Equal(IsCached(viaRegisters.Caches, fill), IsCached(viaQueue.Caches, fill));
                }
            },
            iter: 400);
    }

    // One cache entry from 64 random bits: a context entry, a second-level IOTLB entry (4 KiB or 2 MiB) or a PDE.
    private static void Fill(TranslationCaches caches, ulong r)
    {
        ushort did = (ushort)(1 + ((r >> 2) % 3));
        ulong address = ((r >> 8) & 0x3FF) << 12;
        switch (r & 3)
        {
            case 0:
                ushort sid = (ushort)(0x10 + ((r >> 4) & 0xF));
                caches.ContextCache.Fill(new ContextCacheEntry(sid, did, [1UL, (ulong)did << 8]));
                break;
            case 1:
                caches.Iotlb.Fill(SecondLevel(did, address));
                break;
            case 2:
                caches.Iotlb.Fill(SecondLevel(did, address, PageSize.Size2M));
                break;
            default:
                caches.PagingStructureCache.Fill(new PagingStructureEntry(did, 2, address, 0x7000, DmaAccess.ReadWrite));
                break;
        }
    }

    private static bool IsCached(TranslationCaches caches, ulong r)
    {
        ushort did = (ushort)(1 + ((r >> 2) % 3));
        ulong address = ((r >> 8) & 0x3FF) << 12;
        return (r & 3) switch
        {
            0 => caches.ContextCache.TryLookup((ushort)(0x10 + ((r >> 4) & 0xF)), out ContextCacheEntry entry) && entry.Did == did,
            1 or 2 => caches.Iotlb.TryLookup(did, 0, TranslationKind.SecondLevel, address, out _),
            _ => caches.PagingStructureCache.TryLookup(did, address, 2, out _),
        };
    }
}
