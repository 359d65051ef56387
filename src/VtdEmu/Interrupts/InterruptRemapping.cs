using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Internal;
using VtdEmu.Invalidation;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Interrupts;

/// <summary>
/// The unit's interrupt-remapping component (VT-d spec ch. 5): remaps, posts, passes through or
/// blocks interrupt requests against the IRT latched by SIRTP, records blocked requests' faults with
/// the interrupt index in FRCD.FI bits 63:48, owns the interrupt entry cache and invalidates it for
/// iec_inv_dsc and for SIRTP with CAP.ESIRTPS (spec-notes/interrupt-remapping.md). Requests are
/// serialised by the unit's state lock.
/// </summary>
internal sealed class InterruptRemapping
{
    private readonly GuestMemory _memory;
    private readonly UnitConfiguration _configuration;
    private readonly GlobalCommandEngine _commands;
    private readonly FaultRecorder _faults;
    private readonly InvalidationEngine _engine;
    private readonly Lock _stateLock;
    private InterruptRemapper _remapper;

    public InterruptRemapping(
        GuestMemory memory, UnitConfiguration configuration, GlobalCommandEngine commands, FaultRecorder faults, InvalidationQueue queue, InvalidationEngine engine, Lock stateLock)
    {
        _memory = memory;
        _configuration = configuration;
        _commands = commands;
        _faults = faults;
        _engine = engine;
        _stateLock = stateLock;
        Cache = new InterruptEntryCache(InterruptEntryCache.DefaultGeometry);
        _remapper = new InterruptRemapper(memory, Cache, configuration.Capability.PI);
        queue.Handle(InvalidationDescriptorType.InterruptEntryCache, Invalidate);
        commands.Completed += OnGlobalCommand;
    }

    /// <summary>The interrupt entry cache.</summary>
    public InterruptEntryCache Cache { get; private set; }

    /// <summary>Where delivered interrupts go; null drops them.</summary>
    public IApicBus? ApicBus { get; set; }

    /// <summary>Replaces the IEC with an empty one of <paramref name="geometry"/>. Call under the state lock.</summary>
    public void ConfigureLocked(CacheGeometry geometry)
    {
        Cache = new InterruptEntryCache(geometry);
        _remapper = new InterruptRemapper(_memory, Cache, _configuration.Capability.PI);
    }

    /// <summary>Processes one request; delivery to <see cref="ApicBus"/> happens outside the state lock.</summary>
    public InterruptRemapResult Signal(ushort sourceId, ulong address, uint data)
    {
        var request = new InterruptRequest(sourceId, address, data);
        InterruptRemapResult result;
        lock (_stateLock)
        {
            GlobalStatus status = _commands.Status;
            var state = new InterruptRemapState((status & GlobalStatus.IRES) != 0, (status & GlobalStatus.CFIS) != 0, _commands.InterruptRemapTable);
            result = _remapper.Remap(request, state);
            if (result.Status == InterruptStatus.Blocked && !result.Suppressed)
            {
                // FRCD.FI[63:48] = interrupt index; T/AT/PASID fields are not meaningful (notes §2).
                ulong index = result.Index < 0 ? 0 : (ulong)(result.Index & 0xFFFF);
                _faults.Record(new FaultRecord(sourceId, index << 48, result.Fault, FaultRequestType.Write));
            }
        }

        if (result.DeliveredAnything)
        {
            ApicBus?.Deliver(result.Interrupt);
        }

        return result;
    }

    // iec_inv_dsc (§6.5.2.7): G (bit 4) 0 = global, 1 = index-selective; IM 31:27 (validated ≤ MHMV), IIDX 47:32.
    private bool Invalidate(in InvalidationDescriptor descriptor, ref QueueFetch fetch)
    {
        bool indexed = Bits.IsSet(descriptor.Qw0, 4);
        if (indexed)
        {
            Cache.InvalidateIndexes((int)Bits.Get(descriptor.Qw0, 47, 32), Math.Min((int)Bits.Get(descriptor.Qw0, 31, 27), 16));
        }
        else
        {
            Cache.InvalidateAll();
        }

        _engine.Counted(InvalidationSource.Queue, indexed ? InvalidationRequest.InterruptEntryIndex : InvalidationRequest.InterruptEntryGlobal);
        return false;
    }

    // SIRTP on a unit with CAP.ESIRTPS globally invalidates the IEC; without it the IEC keeps its entries.
    private void OnGlobalCommand(GlobalCommandOutcome outcome)
    {
        if (outcome.Performed(GlobalCommand.SIRTP, GlobalStatus.IRTPS) && _configuration.Capability.ESIRTPS)
        {
            Cache.InvalidateAll();
            _engine.Counted(InvalidationSource.TablePointer, InvalidationRequest.InterruptEntryGlobal);
        }
    }
}
