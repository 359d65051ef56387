namespace VtdEmu.Workloads.Scenarios;

/// <summary>The keywords of the scenario format, in one place for the parser and the runner.</summary>
internal static class ScenarioSyntax
{
    public const char Comment = '#';
    public const string EqualsToken = "==";
    public const string AndToken = "&";

    private static readonly (string Name, ScenarioCommandKind Kind)[] s_commands =
    [
        ("mmio-read32", ScenarioCommandKind.MmioRead32),
        ("mmio-read64", ScenarioCommandKind.MmioRead64),
        ("mmio-write32", ScenarioCommandKind.MmioWrite32),
        ("mmio-write64", ScenarioCommandKind.MmioWrite64),
        ("mem-read32", ScenarioCommandKind.MemRead32),
        ("mem-read64", ScenarioCommandKind.MemRead64),
        ("mem-read", ScenarioCommandKind.MemRead),
        ("mem-write32", ScenarioCommandKind.MemWrite32),
        ("mem-write64", ScenarioCommandKind.MemWrite64),
        ("mem-fill", ScenarioCommandKind.MemFill),
        ("dma-read", ScenarioCommandKind.DmaRead),
        ("dma-write", ScenarioCommandKind.DmaWrite),
        ("msi", ScenarioCommandKind.Msi),
        ("ats-translate", ScenarioCommandKind.AtsTranslate),
        ("unit", ScenarioCommandKind.Unit),
        ("page-request", ScenarioCommandKind.PageRequest),
        ("page-response", ScenarioCommandKind.PageResponse),
    ];

    /// <summary>Every command name, in declaration order, for error messages.</summary>
    public static string CommandNames => string.Join(", ", s_commands.Select(c => c.Name));

    public static string NameOf(ScenarioCommandKind kind) => s_commands[(int)kind].Name;

    public static bool TryGetCommand(string name, out ScenarioCommandKind kind)
    {
        foreach ((string candidate, ScenarioCommandKind k) in s_commands)
        {
            if (candidate == name)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>The options of a command after its operands, as usage messages show them.</summary>
    public static string OptionsOf(ScenarioCommandKind kind) => kind switch
    {
        ScenarioCommandKind.DmaRead or ScenarioCommandKind.DmaWrite => " [pasid=N [priv] [exec]] [translated]",
        ScenarioCommandKind.AtsTranslate => " [pasid=N] [write]",
        ScenarioCommandKind.PageRequest => " [pasid=N] [write] [prg=N]",
        _ => string.Empty,
    };

    /// <summary>The translated-request option of dma-read and dma-write (AT = 10b through the device-TLB).</summary>
    public const string TranslatedToken = "translated";

    /// <summary>The write-access option of ats-translate and page-request.</summary>
    public const string WriteToken = "write";

    /// <summary>The page request group option of page-request: <c>prg=N</c>.</summary>
    public const string PrgPrefix = "prg=";

    /// <summary>Width of a page request group index.</summary>
    public const int PrgBits = 9;

    /// <summary>The PASID option's prefix: <c>pasid=N</c>.</summary>
    public const string PasidPrefix = "pasid=";

    /// <summary>The privileged-mode-requested option (PASID prefix PR).</summary>
    public const string PrivilegedToken = "priv";

    /// <summary>The execute-requested option (PASID prefix ER).</summary>
    public const string ExecuteToken = "exec";

    /// <summary>Width of a PASID.</summary>
    public const int PasidBits = 20;

    /// <summary>The operand names of each command, for usage messages.</summary>
    public static string UsageOf(ScenarioCommandKind kind) => kind switch
    {
        ScenarioCommandKind.MmioRead32 or ScenarioCommandKind.MmioRead64 => "OFF",
        ScenarioCommandKind.MmioWrite32 or ScenarioCommandKind.MmioWrite64 => "OFF VALUE",
        ScenarioCommandKind.MemRead32 or ScenarioCommandKind.MemRead64 => "ADDR",
        ScenarioCommandKind.MemRead => "ADDR LEN",
        ScenarioCommandKind.MemWrite32 or ScenarioCommandKind.MemWrite64 => "ADDR VALUE",
        ScenarioCommandKind.MemFill => "ADDR LEN BYTE",
        ScenarioCommandKind.DmaRead => "BDF IOVA LEN",
        ScenarioCommandKind.DmaWrite => "BDF IOVA LEN BYTE",
        ScenarioCommandKind.Msi => "BDF ADDR DATA",
        ScenarioCommandKind.AtsTranslate or ScenarioCommandKind.PageRequest => "BDF IOVA",
        ScenarioCommandKind.Unit => "N",
        ScenarioCommandKind.PageResponse => "BDF PRG",
        _ => string.Empty,
    };
}
