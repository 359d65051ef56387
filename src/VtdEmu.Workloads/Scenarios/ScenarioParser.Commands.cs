using System.Collections.Immutable;
using System.Globalization;
using VtdEmu.Faults;
using VtdEmu.Registers;

namespace VtdEmu.Workloads.Scenarios;

public static partial class ScenarioParser
{
    private sealed partial class State
    {
        private void ParseCommand(SourceLocation at, ScenarioCommandKind kind, string[] tokens)
        {
            _commandSeen = true;
            string name = tokens[0];
            string usage = ScenarioSyntax.UsageOf(kind);
            int operandCount = usage.Split(' ').Length;
            int tail = Array.FindIndex(tokens, t => t is ScenarioSyntax.EqualsToken or ScenarioSyntax.AndToken);

            int given = (tail < 0 ? tokens.Length : tail) - 1;
            var command = new ScenarioCommand(kind, at, 0);
            string options = ScenarioSyntax.OptionsOf(kind);
            if (options.Length > 0 && given > operandCount)
            {
                // Options after the operands: pasid=N [priv] [exec] [translated], write, prg=N.
                if (!TryOptions(at, kind, name, tokens.AsSpan(1 + operandCount, given - operandCount), ref command))
                {
                    return;
                }

                given = operandCount;
            }

            if (given != operandCount)
            {
                Error(at, $"{name}: expected '{name} {usage}{options}', found {Plural(given, "operand")}");
                return;
            }

            if (!TryOperands(at, kind, name, tokens, ref command) || !CheckDeviceFeatures(at, name, ref command))
            {
                return;
            }

            if (tail >= 0)
            {
                if (!command.PrintsResult)
                {
                    Error(at, $"{name} prints no result, so it takes no assertion");
                    return;
                }

                ScenarioExpectation? expectation = ParseExpectation(at, command, tokens.AsSpan(tail));
                if (expectation is null)
                {
                    return;
                }

                command = command with { Expectation = expectation };
            }

            _commands.Add(command);
        }

        private bool TryOperands(SourceLocation at, ScenarioCommandKind kind, string name, string[] tokens, ref ScenarioCommand command)
        {
            ulong address = 0, value = 0, length = 0;
            PciBdf device = default;
            switch (kind)
            {
                case ScenarioCommandKind.MmioRead32:
                case ScenarioCommandKind.MmioRead64:
                    if (!TryRegisterOffset(at, $"{name} OFF", tokens[1], out address))
                    {
                        return false;
                    }

                    break;
                case ScenarioCommandKind.MmioWrite32:
                case ScenarioCommandKind.MmioWrite64:
                    if (!TryRegisterOffset(at, $"{name} OFF", tokens[1], out address)
                        || !TryNumber(at, $"{name} VALUE", tokens[2], WidthOf(kind), out value))
                    {
                        return false;
                    }

                    break;
                case ScenarioCommandKind.MemRead32:
                case ScenarioCommandKind.MemRead64:
                    if (!TryNumber(at, $"{name} ADDR", tokens[1], 64, out address))
                    {
                        return false;
                    }

                    break;
                case ScenarioCommandKind.MemRead:
                    if (!TryNumber(at, $"{name} ADDR", tokens[1], 64, out address)
                        || !TryLength(at, $"{name} LEN", tokens[2], 1, MaxReadLength, out length))
                    {
                        return false;
                    }

                    break;
                case ScenarioCommandKind.MemWrite32:
                case ScenarioCommandKind.MemWrite64:
                    if (!TryNumber(at, $"{name} ADDR", tokens[1], 64, out address)
                        || !TryNumber(at, $"{name} VALUE", tokens[2], WidthOf(kind), out value))
                    {
                        return false;
                    }

                    break;
                case ScenarioCommandKind.MemFill:
                    if (!TryNumber(at, $"{name} ADDR", tokens[1], 64, out address)
                        || !TryLength(at, $"{name} LEN", tokens[2], 1, ulong.MaxValue, out length)
                        || !TryNumber(at, $"{name} BYTE", tokens[3], 8, out value))
                    {
                        return false;
                    }

                    break;
                case ScenarioCommandKind.Msi:
                    if (!TryDevice(at, $"{name} BDF", tokens[1], out device)
                        || !TryNumber(at, $"{name} ADDR", tokens[2], 64, out address)
                        || !TryNumber(at, $"{name} DATA", tokens[3], 32, out value))
                    {
                        return false;
                    }

                    if (!Interrupts.InterruptRequest.IsInterruptAddress(address))
                    {
                        Error(at, $"{name} ADDR: {tokens[2]} is outside the interrupt address window 0xfee00000-0xfeefffff (an MSI is a DWORD write there)");
                        return false;
                    }

                    break;
                case ScenarioCommandKind.AtsTranslate:
                case ScenarioCommandKind.PageRequest:
                    if (!TryDevice(at, $"{name} BDF", tokens[1], out device)
                        || !TryNumber(at, $"{name} IOVA", tokens[2], 64, out address))
                    {
                        return false;
                    }

                    value = command.Value;
                    break;
                case ScenarioCommandKind.PageResponse:
                    if (!TryDevice(at, $"{name} BDF", tokens[1], out device)
                        || !TryNumber(at, $"{name} PRG", tokens[2], ScenarioSyntax.PrgBits, out value))
                    {
                        return false;
                    }

                    break;
                case ScenarioCommandKind.Unit:
                    if (!TryNumber(at, $"{name} N", tokens[1], 32, out value))
                    {
                        return false;
                    }

                    if (value >= (ulong)_setup.UnitCount)
                    {
                        Error(at, _setup.Dmar is null
                            ? $"{name} N: the platform has one unit (0); several come from a 'platform-dmar FILE' directive"
                            : $"{name} N: {tokens[1]} is not a unit: {_setup.DmarFile} describes {Plural(_setup.UnitCount, "unit")} (0 to {_setup.UnitCount - 1})");
                        return false;
                    }

                    address = value;
                    break;
                default:
                    if (!TryDevice(at, $"{name} BDF", tokens[1], out device)
                        || !TryNumber(at, $"{name} IOVA", tokens[2], 64, out address)
                        || !TryLength(at, $"{name} LEN", tokens[3], 0, MaxDmaLength, out length)
                        || (kind == ScenarioCommandKind.DmaWrite && !TryNumber(at, $"{name} BYTE", tokens[4], 8, out value)))
                    {
                        return false;
                    }

                    break;
            }

            command = command with { Address = address, Value = value, Length = length, Device = device };
            return true;
        }

        // OFF: a register named as the spec prints it (GSTS, RTADDR), optionally +N for a byte within it, or a number.
        private bool TryRegisterOffset(SourceLocation at, string what, string token, out ulong offset)
        {
            int plus = token.IndexOf('+', StringComparison.Ordinal);
            string name = plus < 0 ? token : token[..plus];
            if (name.Length == 0 || !char.IsAsciiLetterUpper(name[0]))
            {
                return TryNumber(at, what, token, 64, out offset);
            }

            if (!Enum.TryParse(name, ignoreCase: false, out VtdRegister register) || !Enum.IsDefined(register) || name != register.ToString())
            {
                offset = 0;
                Error(at, $"{what}: unknown register '{name}': expected a register name as the spec prints it (GSTS, RTADDR, IQT, ...) or an offset, {ScenarioNumber.Expected}");
                return false;
            }

            ulong delta = 0;
            if (plus >= 0 && !TryNumber(at, what, token[(plus + 1)..], 12, out delta))
            {
                offset = 0;
                return false;
            }

            offset = (ulong)register + delta;
            return true;
        }

        // pasid=N (below 2^20) and the prefix's privileged / execute attributes (dma-*), translated (dma-*), write
        // (ats-translate, page-request) and prg=N (page-request), each at most once; priv and exec only with a
        // PASID (they travel in the PASID prefix) and not on translated requests (the model's carry neither).
        private bool TryOptions(SourceLocation at, ScenarioCommandKind kind, string name, ReadOnlySpan<string> options, ref ScenarioCommand command)
        {
            bool dma = kind is ScenarioCommandKind.DmaRead or ScenarioCommandKind.DmaWrite;
            uint? pasid = null;
            ulong? prg = null;
            bool privileged = false;
            bool execute = false;
            bool write = false;
            bool translated = false;
            foreach (string option in options)
            {
                bool repeated;
                if (option.StartsWith(ScenarioSyntax.PasidPrefix, StringComparison.Ordinal))
                {
                    repeated = pasid.HasValue;
                    if (!TryNumber(at, $"{name} pasid=N", option[ScenarioSyntax.PasidPrefix.Length..], ScenarioSyntax.PasidBits, out ulong value))
                    {
                        return false;
                    }

                    pasid = (uint)value;
                }
                else if (dma && option == ScenarioSyntax.PrivilegedToken)
                {
                    repeated = privileged;
                    privileged = true;
                }
                else if (dma && option == ScenarioSyntax.ExecuteToken)
                {
                    repeated = execute;
                    execute = true;
                }
                else if (dma && option == ScenarioSyntax.TranslatedToken)
                {
                    repeated = translated;
                    translated = true;
                }
                else if (!dma && option == ScenarioSyntax.WriteToken)
                {
                    repeated = write;
                    write = true;
                }
                else if (kind == ScenarioCommandKind.PageRequest && option.StartsWith(ScenarioSyntax.PrgPrefix, StringComparison.Ordinal))
                {
                    repeated = prg.HasValue;
                    if (!TryNumber(at, $"{name} prg=N", option[ScenarioSyntax.PrgPrefix.Length..], ScenarioSyntax.PrgBits, out ulong value))
                    {
                        return false;
                    }

                    prg = value;
                }
                else
                {
                    Error(at, $"{name}: unexpected '{option}' after the operands: expected{ScenarioSyntax.OptionsOf(kind)}, or '==' and the expected outcome");
                    return false;
                }

                if (repeated)
                {
                    Error(at, $"{name}: '{option}' given twice");
                    return false;
                }
            }

            if ((privileged || execute) && pasid is null)
            {
                Error(at, $"{name}: priv and exec are attributes of the PASID prefix: add pasid=N");
                return false;
            }

            if ((privileged || execute) && translated)
            {
                Error(at, $"{name}: priv and exec do not combine with translated (the model's translated requests carry neither)");
                return false;
            }

            command = command with { Pasid = pasid, Privileged = privileged, Execute = execute, Write = write, Translated = translated, Value = prg ?? 0 };
            return true;
        }

        // ATS-only requests need a device declared with 'ats', page requests and responses one with 'pri'.
        private bool CheckDeviceFeatures(SourceLocation at, string name, ref ScenarioCommand command)
        {
            bool needsAts = command.Translated || command.Kind == ScenarioCommandKind.AtsTranslate;
            bool needsPri = command.Kind is ScenarioCommandKind.PageRequest or ScenarioCommandKind.PageResponse;
            if (!needsAts && !needsPri)
            {
                return true;
            }

            ScenarioDevice? device = AtsDevice(command.Device);
            if (device is null || (needsPri && !device.PageRequests))
            {
                string what = needsPri ? "page request interface (PRI)" : "ATS";
                string directive = needsPri ? "ats pri" : "ats";
                Error(at, $"{name}{(command.Translated ? " translated" : string.Empty)}: device {command.Device} has no {what}: declare it 'device {command.Device} {directive}'");
                return false;
            }

            return true;
        }

        private static int WidthOf(ScenarioCommandKind kind) => kind switch
        {
            ScenarioCommandKind.MmioRead32 or ScenarioCommandKind.MmioWrite32
                or ScenarioCommandKind.MemRead32 or ScenarioCommandKind.MemWrite32 => 32,
            _ => 64,
        };

        private bool TryLength(SourceLocation at, string what, string token, ulong min, ulong max, out ulong length)
        {
            if (!TryNumber(at, what, token, 64, out length))
            {
                return false;
            }

            if (length < min || length > max)
            {
                Error(at, $"{what}: expected {min} to {(max == ulong.MaxValue ? "2^64-1" : ScenarioNumber.FormatAddress(max))}, found {token}");
                return false;
            }

            return true;
        }

        private bool TryDevice(SourceLocation at, string what, string token, out PciBdf device)
        {
            if (!TryBdf(at, what, token, out device))
            {
                return false;
            }

            foreach ((PciBdf declared, _) in _devices)
            {
                if (declared == device)
                {
                    return true;
                }
            }

            Error(at, $"{what}: device {device} is not declared (add 'device {device}' before the first command)");
            return false;
        }

        private ScenarioExpectation? ParseExpectation(SourceLocation at, ScenarioCommand command, ReadOnlySpan<string> tail)
        {
            string name = command.Name;
            switch (command.Kind)
            {
                case ScenarioCommandKind.DmaRead:
                case ScenarioCommandKind.DmaWrite:
                    return ParseDmaExpectation(at, name, tail);
                case ScenarioCommandKind.MemRead:
                    return ParseBytesExpectation(at, name, (int)command.Length, tail);
                case ScenarioCommandKind.Msi:
                    return ParseWordsExpectation(at, name, ScenarioOutcomeWords.Msi, tail);
                case ScenarioCommandKind.AtsTranslate:
                    return ParseWordsExpectation(at, name, ScenarioOutcomeWords.Ats, tail);
                case ScenarioCommandKind.PageRequest:
                    return ParseWordsExpectation(at, name, ScenarioOutcomeWords.PageRequest, tail);
                case ScenarioCommandKind.PageResponse:
                    return ParseWordsExpectation(at, name, ScenarioOutcomeWords.PageResponse, tail);
                default:
                    return ParseValueExpectation(at, name, WidthOf(command.Kind), tail);
            }
        }

        private ScenarioExpectation? ParseValueExpectation(SourceLocation at, string name, int bits, ReadOnlySpan<string> tail)
        {
            ulong mask = ulong.MaxValue;
            if (tail.Length == 4 && tail[0] == ScenarioSyntax.AndToken && tail[2] == ScenarioSyntax.EqualsToken)
            {
                if (!TryNumber(at, $"{name} & MASK", tail[1], bits, out mask))
                {
                    return null;
                }

                tail = tail[2..];
            }

            if (tail.Length != 2 || tail[0] != ScenarioSyntax.EqualsToken)
            {
                Error(at, $"{name}: expected '== VALUE' or '& MASK == VALUE' after the operands, found '{string.Join(' ', tail.ToArray())}'");
                return null;
            }

            if (!TryNumber(at, $"{name} == VALUE", tail[1], bits, out ulong value))
            {
                return null;
            }

            if ((value & ~mask) != 0)
            {
                Error(at, $"{name}: VALUE {tail[1]} has bits outside MASK {ScenarioNumber.FormatAddress(mask)}, so the assertion can never hold");
                return null;
            }

            return new ScenarioExpectation { Mask = mask, Value = value };
        }

        private ScenarioExpectation? ParseBytesExpectation(SourceLocation at, string name, int length, ReadOnlySpan<string> tail)
        {
            if (tail.Length != 2 || tail[0] != ScenarioSyntax.EqualsToken)
            {
                Error(at, $"{name}: expected '== HEXBYTES' (2 hex digits per byte, in address order) after the operands, found '{string.Join(' ', tail.ToArray())}'");
                return null;
            }

            string digits = tail[1].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? tail[1][2..] : tail[1];
            digits = digits.Replace("_", string.Empty, StringComparison.Ordinal);
            byte[] bytes;
            try
            {
                bytes = digits.Length == 2 * length ? Convert.FromHexString(digits) : [];
            }
            catch (FormatException)
            {
                bytes = [];
            }

            if (bytes.Length != length)
            {
                Error(at, $"{name} == HEXBYTES: expected {length.ToString(CultureInfo.InvariantCulture)} bytes as {(2 * length).ToString(CultureInfo.InvariantCulture)} hex digits, found '{tail[1]}'");
                return null;
            }

            return new ScenarioExpectation { Bytes = ImmutableArray.Create(bytes) };
        }

        private ScenarioExpectation? ParseDmaExpectation(SourceLocation at, string name, ReadOnlySpan<string> tail)
        {
            if (tail.Length == 2 && tail[0] == ScenarioSyntax.EqualsToken && tail[1] == "ok")
            {
                return new ScenarioExpectation { Outcome = DmaOutcome.Ok };
            }

            if (tail.Length == 2 && tail[0] == ScenarioSyntax.EqualsToken && tail[1] == "abort")
            {
                return new ScenarioExpectation { Outcome = DmaOutcome.Aborted };
            }

            if (tail.Length == 2 && tail[0] == ScenarioSyntax.EqualsToken && tail[1] == "ur")
            {
                return new ScenarioExpectation { Outcome = DmaOutcome.UnsupportedRequest };
            }

            if (tail.Length == 3 && tail[0] == ScenarioSyntax.EqualsToken && tail[1] == "fault")
            {
                // A code 01-ff or the reason by name (ReadDenied); the result line still prints the code.
                if (ScenarioOutcomeWords.ParseFault(tail[2]) is { } reason)
                {
                    return new ScenarioExpectation { Outcome = new DmaOutcome(reason) };
                }

                Error(at, $"{name} == fault XX: expected a fault reason code 01-ff in hex or a reason name such as ReadDenied, found '{tail[2]}'");
                return null;
            }

            Error(at, $"{name}: expected '== ok', '== fault XX', '== abort' or '== ur' after the operands, found '{string.Join(' ', tail.ToArray())}'");
            return null;
        }

        private ScenarioExpectation? ParseWordsExpectation(SourceLocation at, string name, ScenarioOutcomeWords.Vocabulary vocabulary, ReadOnlySpan<string> tail)
        {
            if (tail.Length < 2 || tail[0] != ScenarioSyntax.EqualsToken)
            {
                Error(at, $"{name}: expected '== ' and {vocabulary.Describe()} after the operands, found '{string.Join(' ', tail.ToArray())}'");
                return null;
            }

            if (ScenarioOutcomeWords.TryNormalize(tail[1..], vocabulary, out string problem) is not { } words)
            {
                Error(at, $"{name} == OUTCOME: {problem}");
                return null;
            }

            return new ScenarioExpectation { Words = words };
        }
    }
}
