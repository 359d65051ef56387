using VtdEmu.Memory;

namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// Test decorator over a unit's MMIO: logs what the driver does in one vocabulary for both invalidation interfaces
/// ("cc device did=0 sid=0100", "iotlb psi did=2 addr=0x1000 am=0 ih=1", "devtlb sid=0100 …", "GCMD +TE", …) by
/// decoding register writes and, at every IQT write (before the unit sees it), the descriptors the driver queued in
/// guest memory. Decoding is written here from the spec (§6.5, §11.4), independently of the driver. As test doubles it
/// can keep chosen invalidations from the unit (<see cref="Drop"/>, a broken driver), corrupt a queued descriptor
/// (<see cref="CorruptNextDescriptor"/>), or make register-based invalidations never complete
/// (<see cref="CompletionMode.Hang"/>).
/// </summary>
internal sealed class RecordingMmio(IMmio inner, GuestMemory memory, ulong iotlbOffset, RecordingMmio.CompletionMode mode) : IMmio
{
    private const ulong GCMD = 0x18;
    private const ulong GSTS = 0x1C;
    private const ulong RTADDR = 0x20;
    private const ulong CCMD = 0x28;
    private const ulong PMEN = 0x64;
    private const ulong IQT = 0x88;
    private const ulong IQA = 0x90;

    private static readonly (uint Bit, string Name)[] s_commands =
    [
        (1U << 31, "TE"), (1U << 30, "SRTP"), (1U << 29, "SFL"), (1U << 28, "EAFL"), (1U << 27, "WBF"),
        (1U << 26, "QIE"), (1U << 25, "IRE"), (1U << 24, "SIRTP"), (1U << 23, "CFI"),
    ];

    private readonly List<string> _log = [];
    private ulong _iva;
    private ulong _queueBase;
    private int _descriptorSize = 16;
    private ulong _tailSeen;

    public enum CompletionMode
    {
        /// <summary>The unit's own behaviour.</summary>
        PassThrough,

        /// <summary>CCMD.ICC and IOTLB_REG.IVT read as set forever.</summary>
        Hang,
    }

    public int Length => inner.Length;

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyList<string> Log => _log;

    /// <summary>Only the cache invalidations (cc, iotlb, devtlb), in order.</summary>
    public List<string> Invalidations => _log.Where(e => e.StartsWith("cc ", StringComparison.Ordinal) || e.StartsWith("iotlb ", StringComparison.Ordinal) || e.StartsWith("devtlb ", StringComparison.Ordinal)
        || e.StartsWith("pc ", StringComparison.Ordinal) || e.StartsWith("piotlb ", StringComparison.Ordinal) || e.StartsWith("pdevtlb ", StringComparison.Ordinal)).ToList();

    /// <summary>Invalidations the <see cref="Drop"/> predicate kept from the unit.</summary>
    public List<string> DroppedInvalidations => _log.Where(e => e.StartsWith("dropped ", StringComparison.Ordinal)).ToList();

    public void Clear() => _log.Clear();

    public ulong Read(ulong offset, int size)
    {
        ulong value = inner.Read(offset, size);
        if (mode == CompletionMode.Hang && (offset == CCMD || offset == iotlbOffset + 8) && size == 8)
        {
            value |= 1UL << 63;
        }

        return value;
    }

    public void Write(ulong offset, int size, ulong value)
    {
        if (offset == GCMD)
        {
            uint persistent = (uint)inner.Read(GSTS, 4) & 0x96FF_FFFF;
            uint changed = (uint)value ^ persistent;
            foreach ((uint bit, string name) in s_commands)
            {
                if ((changed & bit) != 0)
                {
                    _log.Add($"GCMD {((value & bit) != 0 ? '+' : '-')}{name}");
                }
            }
        }
        else if (offset == RTADDR)
        {
            _log.Add($"RTADDR 0x{value:x}");
        }
        else if (offset == PMEN)
        {
            _log.Add($"PMEN 0x{value:x}");
        }
        else if (offset == CCMD && (value & (1UL << 63)) != 0 && Dropped(DecodeContext((int)((value >> 61) & 3), unchecked((ushort)value), unchecked((ushort)(value >> 16)))))
        {
            return;
        }
        else if (offset == iotlbOffset)
        {
            _iva = value;
        }
        else if (offset == iotlbOffset + 8 && (value & (1UL << 63)) != 0)
        {
            string e = DecodeIotlb((int)((value >> 60) & 3), unchecked((ushort)(value >> 32)), _iva & ~0xFFFUL, (int)(_iva & 0x3F), (_iva & 0x40) != 0);
            if (Dropped(e))
            {
                return;
            }
        }
        else if (offset == IQA)
        {
            _queueBase = value & ~0xFFFUL;
            _descriptorSize = (value & (1UL << 11)) != 0 ? 32 : 16;
            _log.Add($"IQA 0x{value:x}");
        }

        if (offset == IQT)
        {
            DecodeQueue(value & 0x7_FFF0);
            _log.Add($"IQT 0x{value:x}");
        }

        inner.Write(offset, size, value);
    }

    /// <summary>
    /// A broken-driver double: invalidations whose decoded text matches never reach the unit (a register command is
    /// not written; a queued descriptor is replaced by a wait without status write). Logged as "dropped …".
    /// </summary>
    public Func<string, bool>? Drop { get; set; }

    // Logs the decoded invalidation; true when the test asked for it to be dropped.
    private bool Dropped(string decoded)
    {
        bool drop = Drop?.Invoke(decoded) ?? false;
        _log.Add(drop ? "dropped " + decoded : decoded);
        return drop;
    }

    private static string DecodeContext(int granularity, ushort did, ushort sid) => granularity switch
    {
        1 => "cc global",
        2 => $"cc domain did={did}",
        3 => $"cc device did={did} sid={sid:x4}",
        _ => $"cc invalid g={granularity}",
    };

    private static string DecodeIotlb(int granularity, ushort did, ulong address, int am, bool ih) => granularity switch
    {
        1 => "iotlb global",
        2 => $"iotlb dsi did={did}",
        3 => $"iotlb psi did={did} addr=0x{address:x} am={am} ih={(ih ? 1 : 0)}",
        _ => $"iotlb invalid g={granularity}",
    };

    // Type 7 (spec §6.5.2.3): G 5:4 (0 domain, 1 PASID-selective, 3 global), DID 31:16, PASID 51:32.
    private static string DecodePasidCache(ulong qw0)
    {
        ushort did = unchecked((ushort)(qw0 >> 16));
        ulong pasid = (qw0 >> 32) & 0xF_FFFF;
        return ((qw0 >> 4) & 3) switch
        {
            0 => $"pc domain did={did}",
            1 => $"pc pasid did={did} pasid={pasid}",
            3 => "pc global",
            _ => "pc invalid g=2",
        };
    }

    // Type 6 (spec §6.5.2.4): G 5:4 (2 all addresses of the PASID, 3 page-selective), DID 31:16, PASID 51:32.
    private static string DecodePasidIotlb(ulong qw0, ulong qw1)
    {
        ushort did = unchecked((ushort)(qw0 >> 16));
        ulong pasid = (qw0 >> 32) & 0xF_FFFF;
        return ((qw0 >> 4) & 3) switch
        {
            2 => $"piotlb all did={did} pasid={pasid}",
            3 => $"piotlb page did={did} pasid={pasid} addr=0x{qw1 & ~0xFFFUL:x} am={qw1 & 0x3F} ih={(qw1 >> 6) & 1}",
            var g => $"piotlb invalid g={g}",
        };
    }

    /// <summary>The next queued cache-invalidation descriptor is given the undefined type 0xF (an IQE for the unit).</summary>
    public bool CorruptNextDescriptor { get; set; }

    private void DropDescriptor(ulong slot, bool drop)
    {
        if (drop)
        {
            Assert.True(memory.TryWrite64(slot, 5));
            Assert.True(memory.TryWrite64(slot + 8, 0));
        }
        else if (CorruptNextDescriptor)
        {
            CorruptNextDescriptor = false;
            Assert.True(memory.TryRead64(slot, out ulong qw0));
            Assert.True(memory.TryWrite64(slot, qw0 | 0xF));
            _log.Add("corrupted");
        }
    }

    private void DecodeQueue(ulong tail)
    {
        ulong queueBytes = _descriptorSize == 32 ? 0x2000UL : 0x1000UL;
        for (ulong at = _tailSeen; at != tail; at = (at + (ulong)_descriptorSize) % queueBytes)
        {
            ulong slot = _queueBase + at;
            Assert.True(memory.TryRead64(slot, out ulong qw0));
            Assert.True(memory.TryRead64(slot + 8, out ulong qw1));
            switch (qw0 & 0xF)
            {
                case 1:
                    DropDescriptor(slot, Dropped(DecodeContext((int)((qw0 >> 4) & 3), unchecked((ushort)(qw0 >> 16)), unchecked((ushort)(qw0 >> 32)))));
                    break;
                case 2:
                    DropDescriptor(slot, Dropped(DecodeIotlb((int)((qw0 >> 4) & 3), unchecked((ushort)(qw0 >> 16)), qw1 & ~0xFFFUL, (int)(qw1 & 0x3F), (qw1 & 0x40) != 0)));
                    break;
                case 3:
                    DropDescriptor(slot, Dropped($"devtlb sid={unchecked((ushort)(qw0 >> 32)):x4} addr=0x{qw1 & ~0xFFFUL:x} s={qw1 & 1}"));
                    break;
                case 5:
                    _log.Add("wait");
                    break;
                case 6:
                    DropDescriptor(slot, Dropped(DecodePasidIotlb(qw0, qw1)));
                    break;
                case 7:
                    DropDescriptor(slot, Dropped(DecodePasidCache(qw0)));
                    break;
                case 8:
                    DropDescriptor(slot, Dropped($"pdevtlb sid={unchecked((ushort)(qw0 >> 16)):x4} pasid={(qw0 >> 32) & 0xF_FFFF} addr=0x{qw1 & ~0xFFFUL:x} s={(qw1 >> 11) & 1}"));
                    break;
                default:
                    _log.Add($"descriptor type {qw0 & 0xF}");
                    break;
            }
        }

        _tailSeen = tail;
    }
}
