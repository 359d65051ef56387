namespace VtdEmu.Invalidation;

/// <summary>What decides whether a descriptor is valid on a unit right now (capabilities, IQA.DW, latched TTM).</summary>
/// <param name="Wide">IQA.DW = 1: 256-bit descriptors.</param>
/// <param name="Scalable">The latched TTM is not legacy: PASID-based types (6–8) are accepted.</param>
/// <param name="DeviceTlb">ECAP.DT: types 3 and 8.</param>
/// <param name="InterruptRemapping">ECAP.IR: type 4.</param>
/// <param name="PageRequestDrain">ECAP.PDS: inv_wait PD.</param>
/// <param name="PageSelective">CAP.PSI: AM is checked against MAMV only when page-selective invalidation is supported.</param>
/// <param name="MAMV">CAP.MAMV.</param>
/// <param name="MHMV">ECAP.MHMV.</param>
internal readonly record struct DescriptorContext(
    bool Wide,
    bool Scalable,
    bool DeviceTlb,
    bool InterruptRemapping,
    bool PageRequestDrain,
    bool PageSelective,
    int MAMV,
    int MHMV);
