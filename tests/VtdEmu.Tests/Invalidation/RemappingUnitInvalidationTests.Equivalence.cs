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
    /// is present afterwards in both units exactly when it was present before and the request's
    /// scope (<see cref="Removes"/>, VT-d spec §6.5.1 / §6.5.2.1–6.5.2.2) does not cover it.
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

                bool[] before = new bool[fills.Length];
                for (int i = 0; i < fills.Length; i++)
                {
                    // Fills can evict each other; only what is there before the request can be removed.
                    before[i] = IsCached(viaRegisters.Caches, fills[i]);
                    Assert.Equal(before[i], IsCached(viaQueue.Caches, fills[i]));
                }

                var r = new Request(request);
                (bool context, int g, ushort did, ushort sid, int fm, ulong address, int am, bool ih) =
                    (r.Context, r.G, r.Did, r.Sid, r.Fm, r.Address, r.Am, r.Ih);

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

                int mamv = viaRegisters.Capability.MAMV;
                for (int i = 0; i < fills.Length; i++)
                {
                    bool expected = before[i] && !Removes(r, fills[i], psi, mamv);
                    Assert.Equal(expected, IsCached(viaRegisters.Caches, fills[i]));
                    Assert.Equal(expected, IsCached(viaQueue.Caches, fills[i]));
                }
            },
            iter: 400);
    }

    // The random request: context-cache (CCMD / cc_inv_dsc) or IOTLB (IOTLB_REG / iotlb_inv_dsc).
    private readonly record struct Request(ulong Bits)
    {
        public bool Context => (Bits & 1) == 0;

        public int G => (int)((Bits >> 1) & 3);

        public ushort Did => (ushort)(1 + ((Bits >> 3) % 3));

        public ushort Sid => (ushort)(0x10 + ((Bits >> 5) & 0xF));

        public int Fm => (int)((Bits >> 9) & 3);

        public ulong Address => ((Bits >> 11) & 0x3FF) << 12;

        public int Am => (int)((Bits >> 21) % 24); // crosses MAMV (18)

        public bool Ih => ((Bits >> 26) & 1) != 0;
    }

    // Written from the spec, not from the engine: which filled entry the request's scope covers.
    // Context requests never touch the IOTLB or PSC; IOTLB requests never touch the context cache.
    // G = 00 and (with PSI) AM > MAMV are not performed (register: CAIG/IAIG = 00; queue: IQE).
    // Without CAP.PSI a page-selective request is performed domain-selective (never narrower, §6.5).
    private static bool Removes(Request request, ulong fill, bool psi, int mamv)
    {
        int kind = (int)(fill & 3);
        ushort did = FillDid(fill);
        if (request.G == 0 || request.Context != (kind == 0))
        {
            return false;
        }

        if (request.Context)
        {
            ushort sid = FillSid(fill);
            int ignored = request.Fm; // FM 01 ignores SID bit 2, 10 bits 2:1, 11 bits 2:0 (§6.5.1.1)
            ushort functionMask = (ushort)(((1 << ignored) - 1) << (3 - ignored));
            return request.G switch
            {
                1 => true,
                2 => did == request.Did,
                _ => (sid & ~functionMask) == (request.Sid & ~functionMask),
            };
        }

        int g = request.G == 3 && !psi ? 2 : request.G;
        if (g == 3 && request.Am > mamv)
        {
            return false;
        }

        if (g == 1)
        {
            return true;
        }

        if (did != request.Did)
        {
            return false;
        }

        if (g == 2)
        {
            return true;
        }

        ulong size = 1UL << (12 + request.Am);
        ulong start = request.Address & ~(size - 1);
        (ulong entryStart, ulong entrySize) = kind == 1 ? (FillAddress(fill), 1UL << 12) : (FillAddress(fill) & ~((1UL << 21) - 1), 1UL << 21);
        bool overlaps = entryStart < start + size && start < entryStart + entrySize;
        return overlaps && (kind != 3 || !request.Ih); // IH = 1 keeps paging-structure entries
    }

    private static ushort FillDid(ulong r) => (ushort)(1 + ((r >> 2) % 3));

    private static ushort FillSid(ulong r) => (ushort)(0x10 + ((r >> 4) & 0xF));

    // 4 KiB entries live in the first 2 MiB and 2 MiB entries in the second, so a lookup for one can
    // never be answered by the other; paging-structure entries anywhere in the 4 MiB.
    private static ulong FillAddress(ulong r)
    {
        ulong address = ((r >> 8) & 0x3FF) << 12;
        return (r & 3) switch
        {
            1 => address & 0x1F_FFFF,
            2 => address | 0x20_0000,
            _ => address,
        };
    }

    // One cache entry from 64 random bits: a context entry, a second-level IOTLB entry (4 KiB or 2 MiB) or a PDE.
    private static void Fill(TranslationCaches caches, ulong r)
    {
        ushort did = FillDid(r);
        ulong address = FillAddress(r);
        switch (r & 3)
        {
            case 0:
                caches.ContextCache.Fill(new ContextCacheEntry(FillSid(r), did, [1UL, (ulong)did << 8]));
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
        ushort did = FillDid(r);
        ulong address = FillAddress(r);
        return (r & 3) switch
        {
            0 => caches.ContextCache.TryLookup(FillSid(r), out ContextCacheEntry entry) && entry.Did == did,
            1 or 2 => caches.Iotlb.TryLookup(did, 0, TranslationKind.SecondLevel, address, out _),
            _ => caches.PagingStructureCache.TryLookup(did, address, 2, out _),
        };
    }
}
