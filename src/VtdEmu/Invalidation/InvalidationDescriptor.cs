using VtdEmu.Internal;

namespace VtdEmu.Invalidation;

/// <summary>
/// One invalidation queue descriptor (VT-d spec §6.5.2.1–§6.5.2.8): QW0, QW1 and, for 256-bit
/// queues (IQA.DW = 1), QW2/QW3, which every type defined here leaves reserved. Field layouts and
/// reserved masks: VT-d spec §6.5.2.1–§6.5.2.8, spec-notes/invalidation.md §4. <see cref="IInvalidationObserver"/>
/// sees each one the queue processes.
/// </summary>
/// <param name="qw0">Bits 63:0.</param>
/// <param name="qw1">Bits 127:64.</param>
/// <param name="qw2">Bits 191:128 (256-bit descriptors only).</param>
/// <param name="qw3">Bits 255:192 (256-bit descriptors only).</param>
public readonly struct InvalidationDescriptor(ulong qw0, ulong qw1, ulong qw2 = 0, ulong qw3 = 0)
{
    // Reserved (RsvdZ) bits per type, QW0 and QW1. Bits 11:9 (type[6:4]) are part of the type and
    // checked there. PFSID (type 3/8) is accepted without ECAP.DIT: Linux fills it for every device.
    private const ulong ContextQw0Reserved = 0xFFFC_0000_0000_F1C0;  // 8:6, 15:12, 63:50
    private const ulong IotlbQw0Reserved = 0xFFFF_FFFF_0000_F100;    // 8, 15:12, 63:32
    private const ulong IotlbQw1Reserved = 0xF80;                    // 11:7
    private const ulong DeviceTlbQw0Reserved = 0x000F_0000_FFE0_01F0; // 8:4, 31:21, 51:48
    private const ulong DeviceTlbQw1Reserved = 0xFFE;                // 11:1
    private const ulong InterruptEntryQw0Reserved = 0xFFFF_0000_07FF_F1E0; // 8:5, 26:12, 63:48
    private const ulong WaitQw0Reserved = 0xFFFF_F100;               // 8, 31:12 (PD 7 without ECAP.PDS)
    private const ulong WaitQw1Reserved = 0x3;                       // 1:0
    private const ulong PasidQw0Reserved = 0xFFF0_0000_0000_F1C0;    // 8:6, 15:12, 63:52
    private const ulong PasidDeviceTlbQw1Reserved = 0x7FE;           // 10:1
    private const ulong WaitPageDrain = 1UL << 7;

    /// <summary>Bits 63:0.</summary>
    public ulong Qw0 => qw0;

    /// <summary>Bits 127:64.</summary>
    public ulong Qw1 => qw1;

    /// <summary>Bits 191:128 (0 in a 128-bit queue).</summary>
    public ulong Qw2 => qw2;

    /// <summary>Bits 255:192 (0 in a 128-bit queue).</summary>
    public ulong Qw3 => qw3;

    /// <summary>Type: bits 3:0, bits 11:9 as type[6:4].</summary>
    public int Type => (int)((qw0 & 0xF) | (Bits.Get(qw0, 11, 9) << 4));

    /// <summary>The type as the spec names it (values without a name are not defined descriptor types).</summary>
    public InvalidationDescriptorType DescriptorType => (InvalidationDescriptorType)Type;

    /// <summary>G, 5:4 (types 1, 2, 6, 7).</summary>
    public int Granularity => (int)Bits.Get(qw0, 5, 4);

    /// <summary>DID, 31:16 (types 1, 2, 6, 7).</summary>
    public ushort DID => (ushort)Bits.Get(qw0, 31, 16);

    /// <summary>PASID, 51:32 (types 6, 7, 8).</summary>
    public uint PASID => (uint)Bits.Get(qw0, 51, 32);

    /// <summary>ADDR, QW1 63:12 (types 2, 3, 6, 8).</summary>
    public ulong Address => qw1 & Bits.Range(63, 12);

    /// <summary>AM, QW1 5:0 (types 2, 6).</summary>
    public int AM => (int)Bits.Get(qw1, 5, 0);

    /// <summary>IH, QW1 6 (types 2, 6): only leaf entries changed.</summary>
    public bool InvalidationHint => Bits.IsSet(qw1, 6);

    /// <summary>
    /// Checks type support and reserved fields for the unit and mode. Returns
    /// <see cref="InvalidationQueueError.None"/> for a descriptor the unit can execute.
    /// </summary>
    internal InvalidationQueueError Validate(in DescriptorContext context)
    {
        (bool supported, ulong reserved0, ulong reserved1) = (InvalidationDescriptorType)Type switch
        {
            InvalidationDescriptorType.ContextCache => (true, ContextQw0Reserved, ulong.MaxValue),
            InvalidationDescriptorType.Iotlb => (true, IotlbQw0Reserved, IotlbQw1Reserved),
            InvalidationDescriptorType.DeviceTlb => (context.DeviceTlb, DeviceTlbQw0Reserved, DeviceTlbQw1Reserved),
            InvalidationDescriptorType.InterruptEntryCache => (context.InterruptRemapping, InterruptEntryQw0Reserved, ulong.MaxValue),
            InvalidationDescriptorType.InvalidationWait => (true, WaitQw0Reserved | (context.PageRequestDrain ? 0 : WaitPageDrain), WaitQw1Reserved),
            InvalidationDescriptorType.PasidIotlb => (context.Scalable, PasidQw0Reserved, IotlbQw1Reserved),
            InvalidationDescriptorType.PasidCache => (context.Scalable, PasidQw0Reserved, ulong.MaxValue),
            InvalidationDescriptorType.PasidDeviceTlb => (context.Scalable && context.DeviceTlb, 0UL, PasidDeviceTlbQw1Reserved),
            _ => (false, 0UL, 0UL),
        };

        if (!supported)
        {
            return InvalidationQueueError.InvalidType;
        }

        if (context.Wide && (qw2 | qw3) != 0)
        {
            // Every type validated here uses only the low 128 bits of a 256-bit descriptor (the
            // page group response, with private data in QW2/QW3, has its own validator).
            return InvalidationQueueError.ReservedField;
        }

        if ((qw0 & reserved0) != 0 || (qw1 & reserved1) != 0 || !HasValidFieldValues(context))
        {
            return InvalidationQueueError.ReservedField;
        }

        return InvalidationQueueError.None;
    }

    // Encodings the spec reserves inside otherwise valid fields (IQEI 4, spec-notes/invalidation.md §4).
    private bool HasValidFieldValues(in DescriptorContext context) => (InvalidationDescriptorType)Type switch
    {
        InvalidationDescriptorType.ContextCache => (InvalidationGranularity)Granularity != InvalidationGranularity.None,
        InvalidationDescriptorType.Iotlb => (InvalidationGranularity)Granularity switch
        {
            InvalidationGranularity.None => false,
            InvalidationGranularity.PageSelective => !context.PageSelective || AM <= context.MAMV,
            _ => true,
        },
        InvalidationDescriptorType.InterruptEntryCache => !Bits.IsSet(qw0, 4) || (int)Bits.Get(qw0, 31, 27) <= context.MHMV,
        InvalidationDescriptorType.PasidIotlb => Granularity >= 2,
        InvalidationDescriptorType.PasidCache => Granularity != 2,
        _ => true,
    };
}
