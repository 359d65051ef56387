using System.CommandLine;
using VtdEmu.Iommu;

namespace VtdEmu.Cli.Commands;

/// <summary>The <c>--policy NAME</c> option: the IOMMU core's attach/ownership rules for IOMMU-level scenarios.</summary>
internal static class PolicyOption
{
    public static Option<IommuAttachPolicy> Create()
    {
        string names = string.Join(", ", IommuAttachPolicy.All.Select(p => p.Name));
        var option = new Option<IommuAttachPolicy>("--policy")
        {
            Description = $"Attach/ownership rules for IOMMU-level scenarios: {names}.",
            DefaultValueFactory = _ => IommuAttachPolicy.Mainline,
            HelpName = string.Join('|', IommuAttachPolicy.All.Select(p => p.Name)),
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
                if (IommuAttachPolicy.TryParse(text, out IommuAttachPolicy? policy))
                {
                    return policy;
                }

                result.AddError($"unknown policy '{text}'; valid names: {names}");
                return IommuAttachPolicy.Mainline;
            },
        };
        option.CompletionSources.Add(IommuAttachPolicy.All.Select(p => p.Name).ToArray());
        return option;
    }
}
