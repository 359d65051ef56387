using VtdEmu.Faults;
using VtdEmu.Memory;

namespace VtdEmu.Translation;

/// <summary>
/// DMA address translation for one remapping unit (VT-d spec ch. 3): context resolution, then the
/// second-level walk or pass-through, then FPD suppression. Value types in and out; nothing is
/// allocated and guest-controlled table contents never throw.
/// </summary>
public sealed class Translator
{
    private const ulong InterruptRangeMask = ~0xF_FFFFUL;
    private const ulong InterruptRangeBase = 0xFEE0_0000;
    private const int PageShift = 12;

    private readonly TranslationParameters _parameters;

    /// <summary>A translator over <paramref name="memory"/> with the capabilities in <paramref name="parameters"/>.</summary>
    public Translator(GuestMemory memory, TranslationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        Resolver = new ContextResolver(memory, parameters);
        Walker = new SecondLevelWalker(memory, parameters);
        FirstLevel = new FirstLevelWalker(memory, parameters);
    }

    /// <summary>The context-resolution step (a context/PASID cache sits in front of it).</summary>
    public ContextResolver Resolver { get; }

    /// <summary>The second-level walk step (an IOTLB / paging-structure cache sits around it).</summary>
    public SecondLevelWalker Walker { get; }

    /// <summary>The first-level walker (PGTT 001).</summary>
    public FirstLevelWalker FirstLevel { get; }

    /// <summary>Translates <paramref name="request"/> under the latched root pointer <paramref name="root"/>.</summary>
    public TranslationResult Translate(in DmaRequest request, RootPointer root)
    {
        TranslationContext context = Resolver.Resolve(request, root);
        if (context.Aborted)
        {
            return new TranslationResult { Aborted = true };
        }

        TranslationResult result = context.Fault != FaultReason.None
            ? TranslationResult.Faulted(context.Fault, 0)
            : TranslateInContext(request, context);
        return Complete(context, result);
    }

    /// <summary>
    /// The part of <see cref="Translate"/> after resolution: width checks, then the walk or
    /// pass-through. Table reads in the result are the walk's only; DID and suppression are not set.
    /// </summary>
    public TranslationResult TranslateInContext(in DmaRequest request, in TranslationContext context)
    {
        ulong address = request.Address;
        bool scalable = context.Scalable;
        if (request.AddressType == AddressType.Translated)
        {
            // Allowed by the context (TT=01b / DTE=1): the address is already host physical.
            return address >> _parameters.Haw != 0
                ? TranslationResult.Faulted(scalable ? FaultReason.ScalableAddressBeyondHardware : FaultReason.AddressBeyondWidth, 0)
                : Identity(address);
        }

        if (context.Kind == TranslationKind.PassThrough)
        {
            return address >> _parameters.Haw != 0
                ? TranslationResult.Faulted(scalable ? FaultReason.ScalableAddressBeyondHardware : FaultReason.AddressBeyondWidth, 0)
                : (address & InterruptRangeMask) == InterruptRangeBase
                ? TranslationResult.Faulted(scalable ? FaultReason.ScalableOutputInInterruptRange : FaultReason.OutputInInterruptRange, 0)
                : Identity(address);
        }

        if (context.Kind == TranslationKind.FirstLevel)
        {
            return TranslateFirstLevel(request, context, out _);
        }

        if (address >> _parameters.InputWidth(context.Levels) != 0)
        {
            return TranslationResult.Faulted(scalable ? FaultReason.ScalableAddressBeyondWidth : FaultReason.AddressBeyondWidth, 0);
        }

        return Walker.Walk(address, request.Access, scalable, WalkStart.FromRoot(context.SecondLevelRoot, context.Levels));
    }

    /// <summary>
    /// A first-level context (spec-notes/first-level.md): SPT.5 / SPT.6 for execute and supervisor requests the
    /// PASID entry does not enable, then the walk.
    /// </summary>
    internal TranslationResult TranslateFirstLevel(in DmaRequest request, in TranslationContext context, out FirstLevelLeaf leaf)
    {
        leaf = default;
        if (request.Execute && !context.Ere)
        {
            return TranslationResult.Faulted(FaultReason.ExecuteRequestDisabled, 0);
        }

        if (request.Privileged && !context.Sre)
        {
            return TranslationResult.Faulted(FaultReason.SupervisorRequestDisabled, 0);
        }

        return FirstLevel.Walk(request, context.FirstLevelRoot, context.Levels, context.Wpe, out leaf);
    }

    private static TranslationResult Identity(ulong address) =>
        new() { OutputAddress = address, PageShift = PageShift, Read = true, Write = true };

    internal static TranslationResult Complete(in TranslationContext context, in TranslationResult result) => result with
    {
        DomainId = context.DomainId,
        TableReads = context.TableReads + result.TableReads,
        Suppressed = context.Fpd && result.Fault.IsQualified(),
    };
}
