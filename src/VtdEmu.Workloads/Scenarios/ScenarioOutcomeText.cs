using System.Text;
using VtdEmu.Devices;
using VtdEmu.Interrupts;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// How <c>msi</c>, <c>ats-translate</c>, <c>page-request</c> and <c>page-response</c> print their outcome
/// (tests/vectors/README.md, "Commands"): words an assertion can name (<see cref="ScenarioOutcomeWords"/>).
/// </summary>
internal static class ScenarioOutcomeText
{
    /// <summary>
    /// <c>delivered dest=0x1 vector=0x30 dlm=0 physical edge irte=5</c> (<c>compat</c> instead of <c>irte=N</c>
    /// for a request passed through), <c>posted irte=N notify dest=… vector=…</c> or <c>posted irte=N no-notify</c>,
    /// or <c>fault XX</c> (<c>fault XX fpd</c> when the IRTE's FPD kept it from being recorded).
    /// </summary>
    public static string Msi(in InterruptRemapResult result) => result.Status switch
    {
        InterruptStatus.Delivered => $"delivered {Interrupt(result.Interrupt)} {(result.Remapped ? $"irte={result.Index}" : "compat")}",
        InterruptStatus.Posted => result.Notified
            ? $"posted irte={result.Index} notify {Interrupt(result.Interrupt)}"
            : $"posted irte={result.Index} no-notify",
        _ => ScenarioOutcomeWords.Fault(result.Fault) + (result.Suppressed ? " fpd" : string.Empty),
    };

    /// <summary>
    /// <c>translated 0x91000 4k rw</c> (output page, size, rights), <c>no-access fault XX</c> for a successful
    /// completion granting nothing, or <c>ur fault XX</c> for an unsuccessful one.
    /// </summary>
    public static string Ats(in AtsCompletion completion)
    {
        if (!completion.Success)
        {
            return $"ur {ScenarioOutcomeWords.Fault(completion.Fault)}";
        }

        if (!completion.GrantsAccess)
        {
            return $"no-access {ScenarioOutcomeWords.Fault(completion.Fault)}";
        }

        return $"translated {ScenarioOutcomeWords.Number(completion.OutputPage)} {Size(completion.PageShift)} {(completion.Read ? 'r' : '-')}{(completion.Write ? 'w' : '-')}";
    }

    /// <summary><c>queued</c>, or the outcome and the response the unit gave the device itself (<c>overflowed response=success</c>).</summary>
    public static string PageRequest(PageRequestOutcome outcome, PageGroupResponse? response)
    {
        string head = outcome switch
        {
            PageRequestOutcome.Queued => "queued",
            PageRequestOutcome.Overflowed => "overflowed",
            PageRequestOutcome.Rejected => "rejected",
            PageRequestOutcome.Dropped => "dropped",
            _ => "unsupported",
        };
        return response is { FromUnit: true } r ? $"{head} response={Code(r.Code)}" : head;
    }

    /// <summary><c>none</c>, or the response code with <c>pasid=N</c> and <c>from-unit</c> when they apply.</summary>
    public static string PageResponse(PageGroupResponse? response)
    {
        if (response is not { } r)
        {
            return "none";
        }

        var text = new StringBuilder(Code(r.Code));
        if (r.Pasid is { } pasid)
        {
            text.Append(" pasid=").Append(ScenarioOutcomeWords.Number(pasid));
        }

        return (r.FromUnit ? text.Append(" from-unit") : text).ToString();
    }

    /// <summary><c>dest=0x1 vector=0x30 dlm=0 physical edge</c> (and <c>rh</c>).</summary>
    private static string Interrupt(in ApicInterrupt interrupt) =>
        $"dest={ScenarioOutcomeWords.Number(interrupt.Destination)} vector={ScenarioOutcomeWords.Number(interrupt.Vector)} dlm={interrupt.DeliveryMode} " +
        $"{(interrupt.Logical ? "logical" : "physical")} {(interrupt.Level ? "level" : "edge")}{(interrupt.RedirectionHint ? " rh" : string.Empty)}";

    /// <summary>A page size by its log2: <c>4k</c>, <c>2m</c>, <c>1g</c>.</summary>
    public static string Size(int pageShift) => pageShift switch
    {
        21 => "2m",
        30 => "1g",
        _ => "4k",
    };

    private static string Code(PageResponseCode code) => code switch
    {
        PageResponseCode.Success => "success",
        PageResponseCode.InvalidRequest => "invalid-request",
        _ => "failure",
    };
}
