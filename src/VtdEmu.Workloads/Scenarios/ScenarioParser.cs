using System.Collections.Immutable;
using System.Globalization;
using VtdEmu.Caches;
using VtdEmu.Memory;
using VtdEmu.Workloads.Reporting;

namespace VtdEmu.Workloads.Scenarios;

/// <summary>
/// Parses the line-based scenario format (tests/vectors/README.md): directives, then commands,
/// each optionally ending in an assertion; <c>#</c> starts a comment. Every error is collected
/// with its file and line; nothing throws for bad input.
/// </summary>
public static partial class ScenarioParser
{
    /// <summary>Largest <c>mem-read</c> LEN: one page, so a result line stays readable.</summary>
    public const ulong MaxReadLength = GuestMemory.PageSize;

    /// <summary>Largest <c>dma-*</c> LEN (1 MiB): the runner buffers one DMA at a time.</summary>
    public const ulong MaxDmaLength = 1UL << 20;

    private const string Directives = "preset, cap, ecap, ram, device, platform-dmar, caches, iotlb, iotlb-large, context-cache, pasid-cache, psc, iec";

    private const string Policies = "lru|plru|random|flush";

    /// <summary>A replacement policy by its scenario name (<c>lru</c>, <c>plru</c>, <c>random</c>, <c>flush</c>), or null.</summary>
    public static ReplacementPolicy? ParsePolicy(string name) => name switch
    {
        "lru" => ReplacementPolicy.Lru,
        "plru" => ReplacementPolicy.TreePlru,
        "random" => ReplacementPolicy.Random,
        "flush" => ReplacementPolicy.FlushWhenFull,
        _ => null,
    };

    /// <summary>The scenario name of <paramref name="policy"/> (inverse of <see cref="ParsePolicy"/>).</summary>
    public static string PolicyName(ReplacementPolicy policy) => policy switch
    {
        ReplacementPolicy.TreePlru => "plru",
        ReplacementPolicy.Random => "random",
        ReplacementPolicy.FlushWhenFull => "flush",
        _ => "lru",
    };

    /// <summary>Parses a scenario read from <paramref name="path"/>; an unreadable file is an error, not an exception.</summary>
    public static ScenarioParseResult ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new ScenarioParseResult(null, [new ScenarioError(new SourceLocation(path, 0), $"cannot read the scenario: {e.Message}")]);
        }

        return Parse(path, text);
    }

    /// <summary>Parses scenario text; <paramref name="file"/> is only used to name locations.</summary>
    public static ScenarioParseResult Parse(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(text);
        var state = new State(file);
        int lineNumber = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNumber++;
            state.ParseLine(new SourceLocation(file, lineNumber), line);
        }

        return state.Finish();
    }

    /// <summary>The mutable state of one parse; the result is immutable.</summary>
    private sealed partial class State(string file)
    {
        private readonly ImmutableArray<ScenarioError>.Builder _errors = ImmutableArray.CreateBuilder<ScenarioError>();
        private readonly ImmutableArray<ScenarioCommand>.Builder _commands = ImmutableArray.CreateBuilder<ScenarioCommand>();
        private readonly List<MemoryRange> _ram = [];
        private readonly List<(PciBdf Bdf, SourceLocation Location)> _devices = [];
        private readonly List<ScenarioDevice> _atsDevices = [];
        private ScenarioSetup _setup = new() { File = file };
        private readonly Dictionary<string, SourceLocation> _cacheDirectives = [];
        private bool _commandSeen;

        public void ParseLine(SourceLocation at, string line)
        {
            int comment = line.IndexOf(ScenarioSyntax.Comment, StringComparison.Ordinal);
            string[] tokens = (comment >= 0 ? line[..comment] : line)
                .Split([' ', '\t', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                return;
            }

            string keyword = tokens[0];
            if (ScenarioSyntax.TryGetCommand(keyword, out ScenarioCommandKind kind))
            {
                ParseCommand(at, kind, tokens);
            }
            else if (IsDirective(keyword))
            {
                if (_commandSeen)
                {
                    Error(at, $"directive '{keyword}' must come before the first command");
                    return;
                }

                ParseDirective(at, keyword, tokens);
            }
            else
            {
                Error(at, $"unknown keyword '{keyword}': expected a directive ({Directives}) or a command ({ScenarioSyntax.CommandNames})");
            }
        }

        public ScenarioParseResult Finish()
        {
            if (_errors.Count > 0)
            {
                return new ScenarioParseResult(null, _errors.ToImmutable());
            }

            ScenarioSetup setup = _setup with
            {
                Ram = _ram.Count == 0 ? [ScenarioSetup.DefaultRam] : [.. _ram.OrderBy(r => r.Base)],
                Devices = [.. _devices.Select(d => d.Bdf)],
                AtsDevices = [.. _atsDevices],
            };
            return new ScenarioParseResult(new Scenario(file, setup, _commands.ToImmutable()), []);
        }

        private void Error(SourceLocation at, string message) => _errors.Add(new ScenarioError(at, message));

        private static bool IsDirective(string keyword) =>
            keyword is "preset" or "cap" or "ecap" or "ram" or "device" or "platform-dmar" or "caches" or "iotlb" or "iotlb-large"
                or "context-cache" or "pasid-cache" or "psc" or "iec";

        private bool TryNumber(SourceLocation at, string what, string token, int bits, out ulong value)
        {
            if (!ScenarioNumber.TryParse(token, out value))
            {
                Error(at, $"{what}: expected {ScenarioNumber.Expected}, found '{token}'");
                return false;
            }

            if (bits < 64 && value >> bits != 0)
            {
                Error(at, $"{what}: {token} does not fit in {bits} bits");
                return false;
            }

            return true;
        }

        private static string Plural(int count, string noun) => Counts.Plural(count, noun);
    }
}
