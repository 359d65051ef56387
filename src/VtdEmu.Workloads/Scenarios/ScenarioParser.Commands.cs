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
            bool dma = kind is ScenarioCommandKind.DmaRead or ScenarioCommandKind.DmaWrite;
            if (dma && given > operandCount)
            {
                // PASID prefix options after the operands: pasid=N [priv] [exec].
                if (!TryDmaOptions(at, name, tokens.AsSpan(1 + operandCount, given - operandCount), ref command))
                {
                    return;
                }

                given = operandCount;
            }

            if (given != operandCount)
            {
                Error(at, $"{name}: expected '{name} {usage}{(dma ? ScenarioSyntax.DmaOptions : string.Empty)}', found {Plural(given, "operand")}");
                return;
            }

            if (!TryOperands(at, kind, name, tokens, ref command))
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
            ulong address, value = 0, length = 0;
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

        // pasid=N (below 2^20) and the prefix's privileged / execute attributes, each at most once, priv and exec
        // only with a PASID (they travel in the PASID prefix).
        private bool TryDmaOptions(SourceLocation at, string name, ReadOnlySpan<string> options, ref ScenarioCommand command)
        {
            uint? pasid = null;
            bool privileged = false;
            bool execute = false;
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
                else if (option == ScenarioSyntax.PrivilegedToken)
                {
                    repeated = privileged;
                    privileged = true;
                }
                else if (option == ScenarioSyntax.ExecuteToken)
                {
                    repeated = execute;
                    execute = true;
                }
                else
                {
                    Error(at, $"{name}: unexpected '{option}' after the operands: expected{ScenarioSyntax.DmaOptions}, or '==' and the expected outcome");
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

            command = command with { Pasid = pasid, Privileged = privileged, Execute = execute };
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
                string code = tail[2].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? tail[2][2..] : tail[2];
                if (code.Length is >= 1 and <= 2
                    && byte.TryParse(code, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte reason)
                    && reason != 0)
                {
                    return new ScenarioExpectation { Outcome = new DmaOutcome((FaultReason)reason) };
                }

                // Or the reason by name (ReadDenied); the result line still prints the code.
                if (tail[2].Length > 2 && char.IsAsciiLetterUpper(tail[2][0])
                    && Enum.TryParse(tail[2], ignoreCase: false, out FaultReason named) && named != FaultReason.None
                    && Enum.IsDefined(named) && named.ToString() == tail[2])
                {
                    return new ScenarioExpectation { Outcome = new DmaOutcome(named) };
                }

                Error(at, $"{name} == fault XX: expected a fault reason code 01-ff in hex or a reason name such as ReadDenied, found '{tail[2]}'");
                return null;
            }

            Error(at, $"{name}: expected '== ok', '== fault XX', '== abort' or '== ur' after the operands, found '{string.Join(' ', tail.ToArray())}'");
            return null;
        }
    }
}
