namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// One command line of a scenario, parsed. Which operands are meaningful depends on
/// <see cref="Kind"/>; the others are zero.
/// </summary>
/// <param name="Kind">The command.</param>
/// <param name="Location">The file and line it came from.</param>
/// <param name="Address">The register offset (mmio-*), guest physical address (mem-*) or IOVA (dma-*).</param>
/// <param name="Value">The value written (mmio-write*, mem-write*), the fill byte (mem-fill, dma-write), the MSI data
/// (msi), the unit index (unit) or the page request group index (page-request, page-response).</param>
/// <param name="Length">The byte count of mem-read, mem-fill and dma-*.</param>
/// <param name="Device">The requester of a dma-* command.</param>
/// <param name="Expectation">The assertion at the end of the line, if any.</param>
/// <param name="Pasid">The PASID of a dma-* command's PASID prefix (<c>pasid=N</c>), or null for a request without one.</param>
/// <param name="Privileged">The prefix's privileged-mode-requested attribute (<c>priv</c>).</param>
/// <param name="Execute">The prefix's execute-requested attribute (<c>exec</c>).</param>
/// <param name="Write">ats-translate and page-request: write access asked (<c>write</c>).</param>
/// <param name="Translated">dma-*: a translated request through the device-TLB (<c>translated</c>).</param>
public sealed record ScenarioCommand(
    ScenarioCommandKind Kind,
    SourceLocation Location,
    ulong Address,
    ulong Value = 0,
    ulong Length = 0,
    PciBdf Device = default,
    ScenarioExpectation? Expectation = null,
    uint? Pasid = null,
    bool Privileged = false,
    bool Execute = false,
    bool Write = false,
    bool Translated = false)
{
    /// <summary>The command's name as written in a scenario, e.g. <c>mmio-read32</c>.</summary>
    public string Name => ScenarioSyntax.NameOf(Kind);

    /// <summary>True for the commands that print a result line (reads, DMA, interrupts, ATS and page requests).</summary>
    public bool PrintsResult => Kind is not (ScenarioCommandKind.MmioWrite32 or ScenarioCommandKind.MmioWrite64
        or ScenarioCommandKind.MemWrite32 or ScenarioCommandKind.MemWrite64 or ScenarioCommandKind.MemFill
        or ScenarioCommandKind.Unit);
}
