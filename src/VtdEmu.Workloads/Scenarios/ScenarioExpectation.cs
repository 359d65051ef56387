using System.Collections.Immutable;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// The assertion at the end of a command line: <c>== VALUE</c> or <c>&amp; MASK == VALUE</c> for
/// register and memory reads, <c>== HEXBYTES</c> for <c>mem-read</c>, and <c>== ok</c> or
/// <c>== fault XX</c> for DMA (an extension of the format), and outcome words for <c>msi</c>,
/// <c>ats-translate</c>, <c>page-request</c> and <c>page-response</c> (<see cref="ScenarioOutcomeWords"/>).
/// </summary>
public sealed record ScenarioExpectation
{
    /// <summary>The bits compared for a 32/64-bit read; all ones without <c>&amp; MASK</c>.</summary>
    public ulong Mask { get; init; } = ulong.MaxValue;

    /// <summary>The expected value of a 32/64-bit read (only bits inside <see cref="Mask"/>).</summary>
    public ulong Value { get; init; }

    /// <summary>The expected bytes of a <c>mem-read</c>, in address order; default otherwise.</summary>
    public ImmutableArray<byte> Bytes { get; init; }

    /// <summary>The expected outcome of a DMA; null otherwise.</summary>
    public DmaOutcome? Outcome { get; init; }

    /// <summary>
    /// The expected outcome words (normalised): the first must equal the printed first word, every other one
    /// must appear among the printed words; default for the other commands.
    /// </summary>
    public ImmutableArray<string> Words { get; init; }

    /// <summary>True when the assertion compares only some bits.</summary>
    public bool IsMasked => Mask != ulong.MaxValue;
}
