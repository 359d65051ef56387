using System.Collections.Immutable;
using System.Globalization;
using VtdEmu.Registers;
using VtdEmu.Workloads.Reporting;

namespace VtdEmu.Workloads.Scenarios.Iommu;

/// <summary>
/// Parses the IOMMU-level scenario language (tests/vectors/README.md): the register-level language's lexical rules
/// (<c>#</c> comments, whitespace-separated words, numbers as <see cref="ScenarioNumber"/>, <c>== expected</c> at
/// the end of a line) over the driver-facing API. Names (topology nodes, domains, owner tokens) share one
/// namespace: a name is defined once and used only after its definition. Every error carries file, line, column
/// and the line itself; nothing throws for bad input.
/// </summary>
public static class IommuScenarioParser
{
    /// <summary>The file extension that selects this language.</summary>
    public const string Extension = ".iommu";

    /// <summary>A first line that selects this language whatever the extension.</summary>
    public const string Directive = "#!iommu";

    /// <summary>Largest DMA length (1 MiB), as in the register-level language.</summary>
    public const ulong MaxDmaLength = ScenarioParser.MaxDmaLength;

    /// <summary>Most PASIDs a device may declare (the 20-bit PASID space).</summary>
    public const uint MaxPasid = (1U << 20) - 1;

    /// <summary>True when <paramref name="path"/> or its first line selects the IOMMU-level language.</summary>
    public static bool IsIommuScenario(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        return path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase)
            || text.StartsWith(Directive, StringComparison.Ordinal);
    }

    /// <summary>Parses scenario text; <paramref name="file"/> only names locations.</summary>
    public static IommuScenarioParseResult Parse(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(text);
        var state = new State(file);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            state.ParseLine(i + 1, lines[i]);
        }

        return state.Finish();
    }

    /// <summary>The words of a line before its comment, with their columns.</summary>
    internal static List<IommuToken> Tokenize(string line)
    {
        List<IommuToken> tokens = [];
        int end = line.IndexOf(ScenarioSyntax.Comment, StringComparison.Ordinal);
        end = end < 0 ? line.Length : end;
        int i = 0;
        while (i < end)
        {
            if (char.IsWhiteSpace(line[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < end && !char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            tokens.Add(new IommuToken(line[start..i], start + 1));
        }

        return tokens;
    }

    private enum NameKind
    {
        Node,
        Domain,
        Token,
    }

    private sealed class State(string file)
    {
        private readonly ImmutableArray<ScenarioError>.Builder _errors = ImmutableArray.CreateBuilder<ScenarioError>();
        private readonly ImmutableArray<IommuStep>.Builder _setup = ImmutableArray.CreateBuilder<IommuStep>();
        private readonly ImmutableArray<IommuStep>.Builder _steps = ImmutableArray.CreateBuilder<IommuStep>();
        private readonly Dictionary<string, (NameKind Kind, int Line)> _names = new(StringComparer.Ordinal);
        private readonly HashSet<ushort> _bdfs = [];
        private string _line = string.Empty;
        private int _lineNumber;

        public void ParseLine(int lineNumber, string line)
        {
            _line = line.TrimEnd('\r');
            _lineNumber = lineNumber;
            List<IommuToken> tokens = Tokenize(_line);
            if (tokens.Count == 0)
            {
                return;
            }

            if (IommuVerbs.Find(tokens[0].Text) is not { } verb)
            {
                Error(tokens[0], $"unknown keyword '{tokens[0].Text}': expected one of {IommuVerbs.Names}");
                return;
            }

            if (verb.IsSetup && _steps.Count > 0)
            {
                Error(tokens[0], $"'{verb.Name}' describes the platform, so it must come before the first call (line {_steps[0].Location.Line})");
                return;
            }

            int equals = tokens.FindIndex(t => t.Text == ScenarioSyntax.EqualsToken);
            List<IommuToken> words = equals < 0 ? tokens : tokens[..equals];
            ImmutableArray<string> expected = default;
            if (equals >= 0)
            {
                if (!verb.PrintsResult)
                {
                    Error(tokens[equals], $"'{verb.Name}' prints no result, so it takes no '== expected'");
                    return;
                }

                if (equals == tokens.Count - 1)
                {
                    Error(tokens[equals], "'==' needs the expected result after it (e.g. '== 0', '== -EBUSY', '== ok')");
                    return;
                }

                expected = [.. tokens.Skip(equals + 1).Select(t => t.Text)];
            }

            ParseWords(verb, words, expected);
        }

        public IommuScenarioParseResult Finish() => _errors.Count > 0
            ? new IommuScenarioParseResult(null, _errors.ToImmutable())
            : new IommuScenarioParseResult(new IommuScenario(file, _setup.ToImmutable(), _steps.ToImmutable()), []);

        private void ParseWords(IommuVerb verb, List<IommuToken> words, ImmutableArray<string> expected)
        {
            int positional = words.Count - 1;
            int firstOption = words.FindIndex(1, t => IsOption(verb, t.Text));
            if (firstOption >= 0)
            {
                positional = firstOption - 1;
            }

            bool variadic = verb.Name == "group";
            if (!variadic && positional > verb.Operands.Length && !verb.Options.IsEmpty)
            {
                positional = verb.Operands.Length; // the extra words are checked as options: "unknown option" says more
            }
            if (variadic ? positional < verb.Operands.Length : positional != verb.Operands.Length)
            {
                IommuToken at = positional > verb.Operands.Length ? words[verb.Operands.Length + 1] : words[0];
                Error(at, $"{verb.Name}: expected '{verb.Name} {verb.Usage}'".TrimEnd() + $", found {Plural(positional, "operand")}");
                return;
            }

            ImmutableDictionary<string, string>.Builder options = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            for (int i = positional + 1; i < words.Count; i++)
            {
                if (!TryOption(verb, words[i], options))
                {
                    return;
                }
            }

            List<IommuToken> operands = words.GetRange(1, positional);
            List<(string Name, NameKind Kind)> defined = [];
            for (int i = 0; i < operands.Count; i++)
            {
                IommuOperand kind = variadic ? IommuOperand.Node : verb.Operands[i];
                if (!CheckOperand(verb, kind, operands[i], defined))
                {
                    return;
                }
            }

            if (options.TryGetValue("parent", out string? parent) && !CheckName(verb, words.First(w => w.Text.StartsWith("parent=", StringComparison.Ordinal)), parent, NameKind.Node))
            {
                return;
            }

            foreach ((string name, NameKind kind) in defined)
            {
                _names[name] = (kind, _lineNumber);
            }

            var step = new IommuStep(new SourceLocation(file, _lineNumber), verb, [.. operands], options.ToImmutable(), expected) { SourceLine = _line };
            (verb.IsSetup ? _setup : _steps).Add(step);
        }

        private static bool IsOption(IommuVerb verb, string word) =>
            verb.Options.Any(o => o.EndsWith('=') ? word.StartsWith(o, StringComparison.Ordinal) : word == o)
            || (word.Contains('=', StringComparison.Ordinal) && !verb.Operands.IsEmpty);

        private bool TryOption(IommuVerb verb, IommuToken word, ImmutableDictionary<string, string>.Builder options)
        {
            string? option = verb.Options.FirstOrDefault(o => o.EndsWith('=') ? word.Text.StartsWith(o, StringComparison.Ordinal) : word.Text == o);
            if (option is null)
            {
                string accepted = verb.Options.IsEmpty ? "none" : string.Join(", ", verb.Options);
                Error(word, $"{verb.Name}: unknown option '{word.Text}' (accepted: {accepted})");
                return false;
            }

            string key = option.TrimEnd('=');
            string value = option.EndsWith('=') ? word.Text[option.Length..] : string.Empty;
            if (!options.TryAdd(key, value))
            {
                Error(word, $"{verb.Name}: option '{key}' given twice");
                return false;
            }

            bool ok = key switch
            {
                "acs" => value is "0" or "1",
                "pasids" => ScenarioNumber.TryParse(value, out ulong n) && n <= MaxPasid + 1,
                "pasid" => ScenarioNumber.TryParse(value, out ulong p) && p <= MaxPasid,
                "parent" => value.Length > 0,
                "aw" => ScenarioNumber.TryParse(value, out ulong aw) && aw <= uint.MaxValue,
                _ => true,
            };
            if (!ok)
            {
                Error(word, $"{verb.Name}: bad value in '{word.Text}' (acs=0|1, pasids=N up to 2^20, pasid=N below 2^20, parent=NAME, aw=N)");
            }

            return ok;
        }

        private bool CheckOperand(IommuVerb verb, IommuOperand kind, IommuToken token, List<(string, NameKind)> defined)
        {
            string text = token.Text;
            switch (kind)
            {
                case IommuOperand.NewNode:
                case IommuOperand.NewDomain:
                case IommuOperand.NewToken:
                    NameKind nameKind = kind == IommuOperand.NewNode ? NameKind.Node : kind == IommuOperand.NewDomain ? NameKind.Domain : NameKind.Token;
                    return Define(verb, token, nameKind, defined);
                case IommuOperand.Node:
                    return CheckName(verb, token, text, NameKind.Node);
                case IommuOperand.Domain:
                    return CheckName(verb, token, text, NameKind.Domain);
                case IommuOperand.DomainOrNone:
                    return text == "none" || CheckName(verb, token, text, NameKind.Domain);
                case IommuOperand.Token:
                    return CheckName(verb, token, text, NameKind.Token);
                case IommuOperand.PciAddress:
                    if (!PciBdf.TryParse(text, out PciBdf bdf))
                    {
                        return Error(token, $"{verb.Name}: expected a PCI address BB:DD.F (hex), found '{text}'");
                    }

                    return _bdfs.Add(bdf.SourceId) || Error(token, $"{verb.Name}: {bdf} is already used by another node");
                case IommuOperand.Number:
                    return ScenarioNumber.TryParse(text, out _) || Error(token, $"{verb.Name}: expected {ScenarioNumber.Expected}, found '{text}'");
                case IommuOperand.Length:
                    return (ScenarioNumber.TryParse(text, out ulong length) && length <= MaxDmaLength)
                        || Error(token, $"{verb.Name}: expected a length from 0 to 0x100000 (1 MiB), found '{text}'");
                case IommuOperand.FillByte:
                    return (ScenarioNumber.TryParse(text, out ulong b) && b <= byte.MaxValue) || Error(token, $"{verb.Name}: expected a byte 0 to 0xff, found '{text}'");
                case IommuOperand.Pasid:
                    return (ScenarioNumber.TryParse(text, out ulong pasid) && pasid <= MaxPasid) || Error(token, $"{verb.Name}: expected a PASID below 2^20, found '{text}'");
                case IommuOperand.Prot:
                    return text is "r" or "w" or "rw" || Error(token, $"{verb.Name}: expected r, w or rw, found '{text}'");
                case IommuOperand.DomainType:
                    return text is "paging" or "identity" or "blocked" || Error(token, $"{verb.Name}: expected paging, identity or blocked, found '{text}'");
                case IommuOperand.DmaPolicy:
                    return text is "strict" or "lazy" or "passthrough" || Error(token, $"{verb.Name}: expected strict, lazy or passthrough, found '{text}'");
                default:
                    return UnitConfiguration.FindPreset(text) is not null
                        || Error(token, $"{verb.Name}: unknown preset '{text}' (expected one of {string.Join(", ", UnitConfiguration.Presets.Select(p => p.Name))})");
            }
        }

        private bool Define(IommuVerb verb, IommuToken token, NameKind kind, List<(string, NameKind)> defined)
        {
            string name = token.Text;
            if (name == "none" || name.Contains('=', StringComparison.Ordinal) || ScenarioNumber.TryParse(name, out _))
            {
                return Error(token, $"{verb.Name}: '{name}' cannot be a name (not a number, not 'none', no '=')");
            }

            if (_names.TryGetValue(name, out (NameKind Kind, int Line) first))
            {
                return Error(token, $"{verb.Name}: '{name}' is already defined (as a {Describe(first.Kind)} at line {first.Line}); pick another name");
            }

            defined.Add((name, kind));
            return true;
        }

        private bool CheckName(IommuVerb verb, IommuToken token, string name, NameKind kind)
        {
            if (!_names.TryGetValue(name, out (NameKind Kind, int Line) found))
            {
                return Error(token, $"{verb.Name}: '{name}' is not defined: define the {Describe(kind)} on an earlier line");
            }

            return found.Kind == kind
                || Error(token, $"{verb.Name}: '{name}' is a {Describe(found.Kind)} (line {found.Line}), expected a {Describe(kind)}");
        }

        private static string Describe(NameKind kind) => kind switch
        {
            NameKind.Node => "device",
            NameKind.Domain => "domain",
            _ => "owner token",
        };

        private bool Error(IommuToken at, string message)
        {
            _errors.Add(new ScenarioError(new SourceLocation(file, _lineNumber, at.Column), message) { SourceLine = _line });
            return false;
        }

        private static string Plural(int count, string noun) => Counts.Plural(count, noun);
    }
}
