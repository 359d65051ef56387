using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Internal;
using VtdEmu.Interrupts;
using VtdEmu.Invalidation;
using VtdEmu.Registers;

namespace VtdEmu;

/// <summary>
/// The interrupt side of the unit (VT-d spec ch. 5): requests from devices are remapped through the
/// IRT latched by SIRTP (via the interrupt entry cache), posted, passed through or blocked; a blocked
/// request's fault is recorded like a DMA fault, with the interrupt index in FRCD.FI bits 63:48
/// (spec-notes/interrupt-remapping.md).
/// </summary>
public sealed partial class RemappingUnit
{
    private InterruptEntryCache? _interruptEntryCache;
    private InterruptRemapper? _interruptRemapper;

    /// <summary>The interrupt entry cache (IEC); its geometry is set by <see cref="ConfigureInterruptEntryCache"/>.</summary>
    public InterruptEntryCache InterruptEntryCache => _interruptEntryCache ??= new InterruptEntryCache(InterruptEntryCache.DefaultGeometry);

    /// <summary>Where delivered interrupts go (remapped, passed through, posting notifications); null drops them.</summary>
    public IApicBus? ApicBus { get; set; }

    /// <summary>Replaces the IEC with an empty one of <paramref name="geometry"/> (host configuration, before use).</summary>
    public void ConfigureInterruptEntryCache(CacheGeometry geometry)
    {
        lock (_stateLock)
        {
            _interruptEntryCache = new InterruptEntryCache(geometry);
            _interruptRemapper = null;
        }
    }

    /// <summary>
    /// Processes one interrupt request (a DWORD write of <paramref name="data"/> to
    /// <paramref name="address"/> in 0xFEEx_xxxx by <paramref name="sourceId"/>): delivers it to
    /// <see cref="ApicBus"/>, posts it, or blocks and records the fault. Never throws on guest input.
    /// </summary>
    public InterruptRemapResult SignalInterrupt(ushort sourceId, ulong address, uint data)
    {
        var request = new InterruptRequest(sourceId, address, data);
        InterruptRemapResult result;
        lock (_stateLock)
        {
            GlobalStatus status = Status;
            var state = new InterruptRemapState(
                (status & GlobalStatus.IRES) != 0,
                (status & GlobalStatus.CFIS) != 0,
                InterruptRemapTable);
            _interruptRemapper ??= new InterruptRemapper(Memory, InterruptEntryCache, Capability.PI);
            result = _interruptRemapper.Remap(request, state);
            if (result.Status == InterruptStatus.Blocked && !result.Suppressed)
            {
                // FRCD.FI[63:48] = interrupt index; T/AT/PASID fields are not meaningful (notes §2).
                ulong index = result.Index < 0 ? 0 : (ulong)(result.Index & 0xFFFF);
                RecordFault(new FaultRecord(sourceId, index << 48, result.Fault, FaultRequestType.Write));
            }
        }

        if (result.DeliveredAnything)
        {
            ApicBus?.Deliver(result.Interrupt);
        }

        return result;
    }

    // iec_inv_dsc (§6.5.2.7): G (bit 4) 0 = global, 1 = index-selective; IM 31:27, IIDX 47:32.
    private void InvalidateInterruptEntries(ulong qw0)
    {
        bool indexed = Bits.IsSet(qw0, 4);
        if (indexed)
        {
            InterruptEntryCache.InvalidateIndexes((int)Bits.Get(qw0, 47, 32), Math.Min((int)Bits.Get(qw0, 31, 27), 16));
        }
        else
        {
            InterruptEntryCache.InvalidateAll();
        }

        InvalidationEngine.Counted(InvalidationSource.Queue, indexed ? InvalidationRequest.InterruptEntryIndex : InvalidationRequest.InterruptEntryGlobal);
    }
}
