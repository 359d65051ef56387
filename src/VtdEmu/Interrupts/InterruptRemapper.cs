using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Tables;

namespace VtdEmu.Interrupts;

/// <summary>
/// Interrupt remapping and posting (VT-d spec ch. 5): decodes a request, finds its IRTE through the
/// interrupt entry cache, checks it in the spec's order and produces the interrupt to deliver, the
/// posted-descriptor update, or the fault. Recording the fault and delivering are the unit's job.
/// Check order and choices: spec-notes/interrupt-remapping.md §2.
/// </summary>
/// <param name="memory">Guest memory holding the IRT and posted-interrupt descriptors.</param>
/// <param name="cache">The unit's interrupt entry cache.</param>
/// <param name="postingSupported">CAP.PI: IRTEs with IM = 1 are posted; without it they are reserved (0x24).</param>
public sealed class InterruptRemapper(GuestMemory memory, InterruptEntryCache cache, bool postingSupported)
{
    private readonly GuestMemory _memory = memory ?? throw new ArgumentNullException(nameof(memory));
    private readonly InterruptEntryCache _cache = cache ?? throw new ArgumentNullException(nameof(cache));

    /// <summary>
    /// Processes one request against <paramref name="state"/>. A posted request updates the
    /// descriptor in guest memory; callers serialise requests that may post to the same descriptor.
    /// </summary>
    public InterruptRemapResult Remap(in InterruptRequest request, in InterruptRemapState state)
    {
        if (!state.Enabled)
        {
            // IRES = 0: every request is handled in compatibility format, untranslated (notes §1).
            return new InterruptRemapResult(InterruptStatus.Delivered, request.DecodeCompatibility());
        }

        if (!request.IsRemappable)
        {
            // §5.1.2.1: compatibility format passes only with CFIS = 1 in xAPIC mode.
            return state.X2Apic || !state.CompatibilityAllowed
                ? Blocked(FaultReason.CompatibilityInterruptBlocked, -1)
                : new InterruptRemapResult(InterruptStatus.Delivered, request.DecodeCompatibility());
        }

        int index = request.Index;
        if (request.HasReservedBits)
        {
            return Blocked(FaultReason.InterruptRequestReserved, index);
        }

        if (index >= state.EntryCount)
        {
            return Blocked(FaultReason.InterruptIndexBeyondTable, index);
        }

        bool cached = _cache.TryLookup(index, out InterruptEntryCacheEntry entry);
        if (!cached)
        {
            ulong at = state.TableBase + ((ulong)index * InterruptRemapEntry.Size);
            if (!_memory.TryRead64(at, out ulong low) || !_memory.TryRead64(at + 8, out ulong high))
            {
                return Blocked(FaultReason.IrteAccessError, index);
            }

            entry = new InterruptEntryCacheEntry(index, low, high);
        }

        var irte = new InterruptRemapEntry(entry.Low, entry.High);
        if (!irte.Present)
        {
            return Blocked(FaultReason.IrteNotPresent, index, irte.FPD);
        }

        if (HasReservedBits(irte, state.X2Apic))
        {
            return Blocked(FaultReason.IrteReserved, index, irte.FPD);
        }

        if (!cached)
        {
            _cache.Fill(entry);
        }

        if (!SourceIsValid(irte.SVT, irte.SQ, irte.SID, request.SourceId))
        {
            return Blocked(FaultReason.InterruptSourceIdInvalid, index, irte.FPD);
        }

        if (irte.IM)
        {
            return Post(new PostedInterruptRemapEntry(entry.Low, entry.High), index, state.X2Apic);
        }

        var interrupt = new ApicInterrupt(irte.Destination(state.X2Apic), irte.V, irte.DLM, irte.DM, irte.TM, irte.RH);
        return new InterruptRemapResult(InterruptStatus.Delivered, interrupt, Index: index, Remapped: true);
    }

    /// <summary>
    /// Source-id verification (IRTE SVT/SQ/SID, spec §9.10): SVT 00 accepts every requester; 01
    /// compares the requester id with SID ignoring the function bits SQ names (01: bit 2, 10: bits
    /// 2:1, 11: bits 2:0); 10 accepts a requester whose bus lies in SID[15:8]..SID[7:0]. SVT 11 is
    /// reserved and never reaches here (0x24).
    /// </summary>
    public static bool SourceIsValid(int svt, int sq, ushort sid, ushort requester) => svt switch
    {
        0 => true,
        1 => ((sid ^ requester) & ~SqIgnoredBits(sq) & 0xFFFF) == 0,
        2 => (requester >> 8) >= (sid >> 8) && (requester >> 8) <= (sid & 0xFF),
        _ => false,
    };

    private static int SqIgnoredBits(int sq) => sq switch
    {
        1 => 0b100,
        2 => 0b110,
        3 => 0b111,
        _ => 0,
    };

    private bool HasReservedBits(in InterruptRemapEntry irte, bool x2Apic)
    {
        if (irte.SVT == 3)
        {
            return true; // reserved SVT encoding (notes §3)
        }

        if (!irte.IM)
        {
            return irte.HasReservedBits(x2Apic);
        }

        return !postingSupported || new PostedInterruptRemapEntry(irte.Low, irte.High).HasReservedBits;
    }

    // §5.2.3: set the PIR bit, then notify only on ON 0→1 with SN = 0 or URG = 1. Each step is one
    // 64-bit read-modify-write of the descriptor, done under the caller's serialisation.
    private InterruptRemapResult Post(in PostedInterruptRemapEntry irte, int index, bool x2Apic)
    {
        ulong descriptor = irte.DescriptorAddress;
        ulong pirWord = descriptor + ((ulong)(irte.VV >> 6) * 8);
        ulong controlWord = descriptor + PostedInterruptDescriptor.ControlOffset;
        if (!_memory.TryRead64(pirWord, out ulong pir) || !_memory.TryRead64(controlWord, out ulong control)
            || !_memory.TryWrite64(pirWord, pir | (1UL << (irte.VV & 63))))
        {
            return Blocked(FaultReason.PostedDescriptorAccessError, index, irte.FPD);
        }

        var pid = new PostedInterruptDescriptor(0, 0, 0, 0, control);
        if (pid.ON || (pid.SN && !irte.URG))
        {
            return new InterruptRemapResult(InterruptStatus.Posted, Index: index, Remapped: true);
        }

        if (!_memory.TryWrite64(controlWord, control | 1))
        {
            return Blocked(FaultReason.PostedDescriptorAccessError, index, irte.FPD);
        }

        // The notification event: NV to NDST, fixed, physical, edge (§5.2.3).
        var notification = new ApicInterrupt(pid.NotificationDestination(x2Apic), pid.NV);
        return new InterruptRemapResult(InterruptStatus.Posted, notification, Index: index, Remapped: true, Notified: true);
    }

    private static InterruptRemapResult Blocked(FaultReason reason, int index, bool fpd = false) =>
        new(InterruptStatus.Blocked, Fault: reason, Index: index, Suppressed: fpd && reason.IsQualified());
}
