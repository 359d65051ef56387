using VtdEmu.Invalidation;
using VtdEmu.Registers;

namespace VtdEmu.Tests.Invalidation;

/// <summary>
/// What the queue must say about one descriptor, written from the descriptor field tables of VT-d
/// spec §6.5.2.1–6.5.2.8 (and the page group response, §7.7) independently of the unit's validator:
/// each type lists the fields it defines, and every other bit is reserved. Value rules are the
/// encodings spec-notes/invalidation.md §4 records as reserved.
/// </summary>
internal static class DescriptorOracle
{
    // (type, fields defined in QW0, fields defined in QW1); a field is (high bit, low bit).
    private static readonly Dictionary<int, ((int Hi, int Lo)[] Qw0, (int Hi, int Lo)[] Qw1)> Fields = new()
    {
        // cc_inv_dsc: type, G, type[6:4], DID, SID, FM.
        [1] = ([(3, 0), (5, 4), (11, 9), (31, 16), (47, 32), (49, 48)], []),
        // iotlb_inv_dsc: type, G, DW, DR, type[6:4], DID | AM, IH, ADDR.
        [2] = ([(3, 0), (5, 4), (6, 6), (7, 7), (11, 9), (31, 16)], [(5, 0), (6, 6), (63, 12)]),
        // dev_tlb_inv_dsc: type, type[6:4], PFSID[3:0], MIP, SID, PFSID[15:4] | S, ADDR.
        [3] = ([(3, 0), (11, 9), (15, 12), (20, 16), (47, 32), (63, 52)], [(0, 0), (63, 12)]),
        // iec_inv_dsc: type, G, type[6:4], IM, IIDX.
        [4] = ([(3, 0), (4, 4), (11, 9), (31, 27), (47, 32)], []),
        // inv_wait_dsc: type, IF, SW, FN, PD, type[6:4], status data | status address 63:2.
        [5] = ([(3, 0), (4, 4), (5, 5), (6, 6), (7, 7), (11, 9), (63, 32)], [(63, 2)]),
        // p_iotlb_inv_dsc: type, G, type[6:4], DID, PASID | AM, IH, ADDR.
        [6] = ([(3, 0), (5, 4), (11, 9), (31, 16), (51, 32)], [(5, 0), (6, 6), (63, 12)]),
        // pc_inv_dsc: type, G, type[6:4], DID, PASID.
        [7] = ([(3, 0), (5, 4), (11, 9), (31, 16), (51, 32)], []),
        // p_dev_tlb_inv_dsc: type, MIP, type[6:4], PFSID[3:0], SID, PASID, PFSID[15:4] | G, S, ADDR.
        [8] = ([(3, 0), (8, 4), (11, 9), (15, 12), (31, 16), (51, 32), (63, 52)], [(0, 0), (11, 11), (63, 12)]),
        // page group response: type, PASID present, private data present, type[6:4], response code,
        // requester ID, PASID | PRG index.
        [9] = ([(3, 0), (4, 4), (5, 5), (11, 9), (15, 12), (31, 16), (51, 32)], [(11, 3)]),
    };

    /// <summary>The IQEI the queue must report for this descriptor, or None when it executes.</summary>
    public static InvalidationQueueError Expected(RemappingUnit unit, bool scalable, bool wide, ulong qw0, ulong qw1, ulong qw2, ulong qw3)
    {
        int type = (int)((qw0 & 0xF) | (((qw0 >> 9) & 7) << 4));

        ExtendedCapabilityRegister ecap = unit.ExtendedCapability;
        bool supported = type switch
        {
            1 or 2 or 5 => true,
            3 => ecap.DT,
            4 => ecap.IR,
            6 or 7 => scalable,
            8 => scalable && ecap.DT,
            9 => scalable && ecap.PRS,
            _ => false,
        };
        if (!supported)
        {
            return InvalidationQueueError.InvalidType; // the type decides the layout, so it is checked first
        }

        if (wide && type != 9 && (qw2 | qw3) != 0)
        {
            // Only the page group response defines bits 255:128 (its private data).
            return InvalidationQueueError.ReservedField;
        }

        ((int Hi, int Lo)[] fields0, (int Hi, int Lo)[] fields1) = Fields[type];
        if ((qw0 & ~Defined(fields0)) != 0 || (qw1 & ~Defined(fields1)) != 0 || !ValuesAllowed(unit, type, qw0, qw1))
        {
            return InvalidationQueueError.ReservedField;
        }

        return InvalidationQueueError.None;
    }

    /// <summary>The bits a type defines in QW0 and QW1 (all bits for a type the tables do not list).</summary>
    public static (ulong Qw0, ulong Qw1) DefinedBits(int type) =>
        Fields.TryGetValue(type, out var fields) ? (Defined(fields.Qw0), Defined(fields.Qw1)) : (ulong.MaxValue, ulong.MaxValue);

    private static ulong Defined((int Hi, int Lo)[] fields)
    {
        ulong mask = 0;
        foreach ((int hi, int lo) in fields)
        {
            mask |= (hi - lo == 63 ? ulong.MaxValue : ((1UL << (hi - lo + 1)) - 1)) << lo;
        }

        return mask;
    }

    private static bool ValuesAllowed(RemappingUnit unit, int type, ulong qw0, ulong qw1)
    {
        int g = (int)((qw0 >> 4) & 3);
        int am = (int)(qw1 & 0x3F);
        return type switch
        {
            1 => g != 0,
            2 => g != 0 && !(g == 3 && unit.Capability.PSI && am > unit.Capability.MAMV),
            4 => ((qw0 >> 4) & 1) == 0 || (int)((qw0 >> 27) & 0x1F) <= unit.ExtendedCapability.MHMV,
            5 => ((qw0 >> 7) & 1) == 0 || unit.ExtendedCapability.PDS,
            6 => g >= 2,
            7 => g != 2,
            9 => ((qw0 >> 12) & 0xF) is 0x0 or 0x1 or 0xF, // success, invalid request, response failure
            _ => true,
        };
    }
}
