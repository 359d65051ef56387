using System.CommandLine;
using VtdEmu.Cli.Options;
using VtdEmu.Iommu;

namespace VtdEmu.Cli.Commands;

/// <summary>The <c>--policy NAME</c> option: the IOMMU core's attach/ownership rules for IOMMU-level scenarios.</summary>
internal static class PolicyOption
{
    public static Option<Choice<IommuAttachPolicy>> Create() =>
        CliChoices.AttachPolicies.Option("--policy", "Attach/ownership rules for IOMMU-level scenarios.", IommuAttachPolicy.Mainline);
}
