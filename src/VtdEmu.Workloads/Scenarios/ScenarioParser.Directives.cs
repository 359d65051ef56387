using VtdEmu.Caches;
using VtdEmu.Dmar;
using VtdEmu.Memory;

namespace VtdEmu.Workloads.Scenarios;

public static partial class ScenarioParser
{
    private sealed partial class State
    {
        private void ParseDirective(SourceLocation at, string keyword, string[] tokens)
        {
            if (Array.IndexOf(tokens, ScenarioSyntax.EqualsToken) >= 0)
            {
                Error(at, $"directive '{keyword}' takes no assertion");
                return;
            }

            switch (keyword)
            {
                case "preset":
                    ParsePreset(at, tokens);
                    break;
                case "cap":
                case "ecap":
                    ParseCapability(at, keyword, tokens);
                    break;
                case "ram":
                    ParseRam(at, tokens);
                    break;
                case "device":
                    ParseDevice(at, tokens);
                    break;
                case "platform-dmar":
                    ParsePlatformDmar(at, tokens);
                    break;
                default:
                    ParseCache(at, keyword, tokens);
                    break;
            }
        }

        private bool ExpectOperands(SourceLocation at, string[] tokens, string usage, int count)
        {
            if (tokens.Length - 1 == count)
            {
                return true;
            }

            Error(at, $"{tokens[0]}: expected '{tokens[0]} {usage}', found {Plural(tokens.Length - 1, "operand")}");
            return false;
        }

        private void ParsePreset(SourceLocation at, string[] tokens)
        {
            if (!ExpectOperands(at, tokens, "NAME", 1))
            {
                return;
            }

            if (_setup.PresetLocation is { } first)
            {
                Error(at, $"preset: given twice (first at {first})");
                return;
            }

            string name = tokens[1];
            foreach (char c in name)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
                {
                    Error(at, $"preset: expected a name of lower-case letters, digits, '-', '_' or '.', found '{name}'");
                    return;
                }
            }

            _setup = _setup with { Preset = name, PresetLocation = at };
        }

        private void ParseCapability(SourceLocation at, string keyword, string[] tokens)
        {
            if (!ExpectOperands(at, tokens, "VALUE", 1)
                || !TryNumber(at, $"{keyword} VALUE", tokens[1], 64, out ulong value))
            {
                return;
            }

            SourceLocation? first = keyword == "cap" ? _setup.CapLocation : _setup.EcapLocation;
            if (first is { } previous)
            {
                Error(at, $"{keyword}: given twice (first at {previous})");
                return;
            }

            _setup = keyword == "cap"
                ? _setup with { Cap = value, CapLocation = at }
                : _setup with { Ecap = value, EcapLocation = at };
        }

        private void ParseRam(SourceLocation at, string[] tokens)
        {
            if (!ExpectOperands(at, tokens, "BASE SIZE", 2)
                || !TryNumber(at, "ram BASE", tokens[1], 64, out ulong baseAddress)
                || !TryNumber(at, "ram SIZE", tokens[2], 64, out ulong size))
            {
                return;
            }

            const ulong PageMask = PageGeometry.PageOffsetMask;
            if (size == 0 || ((baseAddress | size) & PageMask) != 0)
            {
                Error(at, "ram: BASE and SIZE must be multiples of 4 KiB and SIZE must not be 0");
                return;
            }

            var range = new MemoryRange(baseAddress, size);
            if (baseAddress > GuestMemory.MaxAddress || size > GuestMemory.MaxAddress + 1 - baseAddress)
            {
                Error(at, $"ram: {range} lies beyond the {GuestMemory.AddressBits}-bit guest physical address space");
                return;
            }

            foreach (MemoryRange other in _ram)
            {
                if (range.Base < other.End && other.Base < range.End)
                {
                    Error(at, $"ram: {range} overlaps {other}");
                    return;
                }
            }

            _ram.Add(range);
        }

        // device BDF [ats [dtlb-entries=N] [dtlb-ways=N] [dtlb-policy=P]] [pri]: PRI needs ATS (PCIe), dtlb-* too.
        private void ParseDevice(SourceLocation at, string[] tokens)
        {
            if (tokens.Length < 2)
            {
                Error(at, $"device: expected 'device BDF {DeviceOptions}', found 0 operands");
                return;
            }

            if (!TryBdf(at, "device BDF", tokens[1], out PciBdf bdf))
            {
                return;
            }

            foreach ((PciBdf other, SourceLocation first) in _devices)
            {
                if (other == bdf)
                {
                    Error(at, $"device: {bdf} declared twice (first at {first})");
                    return;
                }
            }

            bool ats = false;
            bool pri = false;
            List<string> geometry = [];
            for (int i = 2; i < tokens.Length; i++)
            {
                string option = tokens[i];
                bool repeated = (option == "ats" && ats) || (option == "pri" && pri);
                if (repeated)
                {
                    Error(at, $"device: '{option}' given twice");
                    return;
                }

                if (option == "ats")
                {
                    ats = true;
                }
                else if (option == "pri")
                {
                    pri = true;
                }
                else if (option.StartsWith("dtlb-", StringComparison.Ordinal))
                {
                    geometry.Add(option);
                }
                else
                {
                    Error(at, $"device: unexpected '{option}': expected 'device BDF {DeviceOptions}'");
                    return;
                }
            }

            if (!ats && (pri || geometry.Count > 0))
            {
                Error(at, $"device: {(pri ? "pri" : "dtlb-*")} needs ATS: add 'ats' (a device sends page requests and keeps a device-TLB only with ATS)");
                return;
            }

            _devices.Add((bdf, at));
            if (ats)
            {
                // The default device-TLB is fully associative: dtlb-entries alone keeps it so. A bad geometry is
                // reported here; the device stays declared with ATS so that later lines report nothing more.
                bool waysGiven = geometry.Exists(g => g.StartsWith("dtlb-ways=", StringComparison.Ordinal));
                _ = TryGeometry(at, "device", geometry.ToArray(), "dtlb-", VtdEmu.Devices.DeviceTlb.DefaultGeometry, out CacheGeometry tlb, fullyAssociative: !waysGiven);
                _atsDevices.Add(new ScenarioDevice(bdf, tlb, pri));
            }
        }

        // platform-dmar FILE: read and parsed here so that a bad table is a parse error at this line (--parse-only
        // finds it); the path is relative to the scenario file. The platform is built from it by the target factory.
        private void ParsePlatformDmar(SourceLocation at, string[] tokens)
        {
            if (!ExpectOperands(at, tokens, "FILE", 1))
            {
                return;
            }

            if (_setup.DmarLocation is { } first)
            {
                Error(at, $"platform-dmar: given twice (first at {first})");
                return;
            }

            string name = tokens[1];
            string path;
            byte[] bytes;
            try
            {
                path = Path.Combine(Path.GetDirectoryName(file) ?? string.Empty, name);
                var info = new FileInfo(path);
                if (!info.Exists || info.Length > MaxDmarBytes)
                {
                    Error(at, $"platform-dmar: {name}: {(info.Exists ? $"larger than {MaxDmarBytes} bytes, too large for a DMAR table" : "no such file")}");
                    return;
                }

                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                Error(at, $"platform-dmar: {name}: cannot read the table: {e.Message}");
                return;
            }

            if (!DmarTable.TryParse(bytes, out DmarTable table, out DmarError error))
            {
                Error(at, $"platform-dmar: {name}: {error}");
                return;
            }

            if (table.Units.Count == 0)
            {
                Error(at, $"platform-dmar: {name}: the table describes no remapping unit (DRHD)");
                return;
            }

            _setup = _setup with { Dmar = table, DmarFile = name, DmarLocation = at };
        }

        /// <summary>Largest DMAR table <c>platform-dmar</c> reads (1 MiB; real tables are a few hundred bytes).</summary>
        private const int MaxDmarBytes = 1 << 20;

        private const string DeviceOptions = "[ats [dtlb-entries=N] [dtlb-ways=N] [dtlb-policy=P]] [pri]";

        private ScenarioDevice? AtsDevice(PciBdf bdf)
        {
            foreach (ScenarioDevice device in _atsDevices)
            {
                if (device.Bdf == bdf)
                {
                    return device;
                }
            }

            return null;
        }

        private void ParseCache(SourceLocation at, string keyword, string[] tokens)
        {
            if (_cacheDirectives.TryGetValue(keyword, out SourceLocation first))
            {
                Error(at, $"{keyword}: given twice (first at {first})");
                return;
            }

            // "caches off" is the whole cache configuration: it does not mix with per-cache geometry.
            bool off = keyword == "caches";
            string otherKeyword = off ? "a cache directive" : "caches";
            foreach ((string other, SourceLocation where) in _cacheDirectives)
            {
                if (off || other == "caches")
                {
                    Error(at, $"{keyword}: cannot be combined with {otherKeyword} (at {where})");
                    return;
                }
            }

            _cacheDirectives.Add(keyword, at);
            if (off)
            {
                if (!ExpectOperands(at, tokens, "off", 1))
                {
                    return;
                }

                if (tokens[1] != "off")
                {
                    Error(at, $"caches: expected 'off', found '{tokens[1]}'");
                    return;
                }

                _setup = _setup with { Caches = ScenarioSetup.NoCaches, InterruptEntryCache = CacheGeometry.Disabled };
                return;
            }

            if (keyword == "iotlb-large" && tokens.Length == 2 && tokens[1] == "shared")
            {
                _setup = _setup with { Caches = _setup.Caches with { IotlbLargePages = null } };
                return;
            }

            if (tokens.Length == 1)
            {
                Error(at, $"{keyword}: expected at least one of entries=N, ways=N, policy={Policies}");
                return;
            }

            if (!TryGeometry(at, keyword, tokens.AsSpan(1), string.Empty, CurrentGeometry(keyword), out CacheGeometry geometry))
            {
                return;
            }

            if (keyword == "iec")
            {
                _setup = _setup with { InterruptEntryCache = geometry };
                return;
            }

            TranslationCacheOptions caches = _setup.Caches;
            _setup = _setup with
            {
                Caches = keyword switch
                {
                    "iotlb" => caches with { Iotlb = geometry },
                    "iotlb-large" => caches with { IotlbLargePages = geometry },
                    "context-cache" => caches with { ContextCache = geometry },
                    "pasid-cache" => caches with { PasidCache = geometry },
                    _ => caches with { PagingStructureCache = geometry },
                },
            };
        }

        // KEY=VALUE geometry options (entries, ways, policy, each after prefix); unnamed keys keep current's value.
        private bool TryGeometry(SourceLocation at, string what, ReadOnlySpan<string> tokens, string prefix, CacheGeometry current, out CacheGeometry geometry, bool fullyAssociative = false)
        {
            geometry = current;
            int? entries = null;
            int? ways = null;
            ReplacementPolicy? policy = null;
            foreach (string token in tokens)
            {
                int equals = token.IndexOf('=', StringComparison.Ordinal);
                string key = equals > 0 && token.StartsWith(prefix, StringComparison.Ordinal) ? token[prefix.Length..equals] : token;
                string value = equals > 0 ? token[(equals + 1)..] : string.Empty;
                bool duplicate = (key == "entries" && entries is not null) || (key == "ways" && ways is not null)
                    || (key == "policy" && policy is not null);
                if (equals <= 0 || duplicate || key is not ("entries" or "ways" or "policy"))
                {
                    Error(at, duplicate
                        ? $"{what}: '{prefix}{key}' given twice"
                        : $"{what}: expected {prefix}entries=N, {prefix}ways=N or {prefix}policy={Policies}, found '{token}'");
                    return false;
                }

                if (key == "policy")
                {
                    policy = ParsePolicy(value);
                    if (policy is null)
                    {
                        Error(at, $"{what} {prefix}policy: expected lru, plru, random or flush, found '{value}'");
                        return false;
                    }

                    continue;
                }

                if (!TryNumber(at, $"{what} {prefix}{key}", value, 32, out ulong number))
                {
                    return false;
                }

                // entries=0 disables the cache; a way count is at least 1.
                ulong least = key == "entries" ? 0UL : 1UL;
                if (number < least || number > CacheGeometry.MaxEntries)
                {
                    Error(at, $"{what} {prefix}{key}: expected {least} to {CacheGeometry.MaxEntries}, found {value}");
                    return false;
                }

                if (key == "entries")
                {
                    entries = (int)number;
                }
                else
                {
                    ways = (int)number;
                }
            }

            // A disabled cache ignores ways and policy.
            geometry = new CacheGeometry(entries ?? current.Entries, ways ?? (fullyAssociative ? entries : null) ?? current.Ways, policy ?? current.Policy);
            if (geometry.Entries == 0)
            {
                geometry = CacheGeometry.Disabled;
            }
            else if (geometry.Check() is { } problem)
            {
                Error(at, $"{what}: {problem}");
                return false;
            }

            return true;
        }

        private CacheGeometry CurrentGeometry(string keyword) => keyword switch
        {
            "iec" => _setup.InterruptEntryCache,
            "iotlb" => _setup.Caches.Iotlb,
            "iotlb-large" => _setup.Caches.IotlbLargePages ?? _setup.Caches.Iotlb,
            "context-cache" => _setup.Caches.ContextCache,
            "pasid-cache" => _setup.Caches.PasidCache,
            _ => _setup.Caches.PagingStructureCache,
        };

        private bool TryBdf(SourceLocation at, string what, string token, out PciBdf bdf)
        {
            if (PciBdf.TryParse(token, out bdf))
            {
                return true;
            }

            Error(at, $"{what}: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '{token}'");
            return false;
        }
    }
}
