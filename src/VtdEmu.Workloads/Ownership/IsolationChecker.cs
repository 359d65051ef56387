using System.Globalization;
using VtdEmu.Iommu;
using VtdEmu.Translation;

namespace VtdEmu.Workloads.Ownership;

/// <summary>
/// Checks, after any step of a workload, that IOMMU groups isolate as the ownership model promises, whatever attach
/// policy the cores run (spec-notes/ownership-policies.md). It reads the cores' public state and sends probe reads
/// through each unit's translate path — the hardware's answer, not the driver's intent — at <see cref="ProbeIovas"/>:
/// <list type="bullet">
/// <item>devices of one group must translate every probe alike (<see cref="IsolationViolationKind.SplitAddressSpace"/>);</item>
/// <item>a bound DMA-API driver's group must be on its default domain unless that device's own driver attached the
/// current one (<see cref="IsolationViolationKind.DmaApiDriverOffDefaultDomain"/>);</item>
/// <item>no probe may be served from a domain the group has left (<see cref="IsolationViolationKind.StaleTranslation"/>);</item>
/// <item>a group nothing holds (no driver bound, no owner, no PASID) must have owner_cnt and attach_cnt 0
/// (<see cref="IsolationViolationKind.OwnerCountLeak"/>).</item>
/// </list>
/// Probes are real read requests: a probe that faults is recorded in the unit's fault registers like any DMA fault,
/// and translations it walks may be cached (as hardware may cache them at any time). Not thread-safe: call between steps.
/// </summary>
public sealed class IsolationChecker
{
    private const ulong Faults = ulong.MaxValue;

    // A nested domain translates through the guest's own first-level table, which the core cannot read: no expectation.
    private const ulong Unknown = ulong.MaxValue - 1;
    private const int LeftDomainsKept = 8;

    private readonly List<IommuCore> _cores = [];
    private readonly Dictionary<IIommuDriver, Platform> _units = [];
    private readonly Dictionary<IommuGroup, History> _history = [];
    private readonly ulong[] _probes;

    /// <summary>A checker that probes at <paramref name="probeIovas"/> (page addresses the workload maps).</summary>
    public IsolationChecker(IEnumerable<ulong> probeIovas)
    {
        ArgumentNullException.ThrowIfNull(probeIovas);
        _probes = [.. probeIovas.Distinct()];
    }

    /// <summary>The addresses every device is probed at.</summary>
    public IReadOnlyList<ulong> ProbeIovas => _probes;

    /// <summary>Watches every group of <paramref name="core"/>.</summary>
    public void AddCore(IommuCore core)
    {
        ArgumentNullException.ThrowIfNull(core);
        _cores.Add(core);
    }

    /// <summary>Devices of <paramref name="driver"/>'s unit DMA through <paramref name="platform"/>'s remapping unit.</summary>
    public void AddUnit(IIommuDriver driver, Platform platform)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(platform);
        _units[driver] = platform;
    }

    /// <summary>Runs every check now; an empty list means the groups isolate as promised.</summary>
    public IReadOnlyList<IsolationViolation> Check()
    {
        List<IsolationViolation> found = [];
        foreach (IommuCore core in _cores)
        {
            foreach (IommuGroup group in core.Groups)
            {
                if (group.Domain is not { } domain)
                {
                    continue;
                }

                ulong[] expected = Expected(domain);
                History history = Remember(group, domain, expected);
                CheckDrivers(group, found);
                CheckCounts(group, found);
                CheckDma(group, expected, history, found);
            }
        }

        return found;
    }

    private static void CheckDrivers(IommuGroup group, List<IsolationViolation> found)
    {
        if (group.Domain == group.DefaultDomain)
        {
            return;
        }

        foreach (IommuDevice device in group.Devices)
        {
            bool usesDmaApi = device.IsDriverBound && !device.BoundDriverManagedDma;
            if (usesDmaApi && (group.Owner is not null || !group.DomainAttachedBy.Contains(device)))
            {
                string who = group.Owner is not null ? "a user claimed the group" : "another device's driver attached a domain";
                found.Add(new(IsolationViolationKind.DmaApiDriverOffDefaultDomain, group.Id, device.Name, 0,
                    $"its driver uses the DMA API but {who} ({group.Domain})"));
            }
        }
    }

    private static void CheckCounts(IommuGroup group, List<IsolationViolation> found)
    {
        // A private domain left behind by an unbound driver holds nothing: nobody is left to detach it.
        bool held = group.Owner is not null || group.PasidCount != 0 || group.Devices.Any(d => d.IsDriverBound);
        if (!held && (group.OwnerCnt != 0 || group.AttachCnt != 0))
        {
            found.Add(new(IsolationViolationKind.OwnerCountLeak, group.Id, string.Empty, 0,
                string.Create(CultureInfo.InvariantCulture, $"nothing holds the group but owner_cnt = {group.OwnerCnt}, attach_cnt = {group.AttachCnt}")));
        }
    }

    private void CheckDma(IommuGroup group, ulong[] expected, History history, List<IsolationViolation> found)
    {
        IommuDevice? first = null;
        ulong[]? firstSeen = null;
        foreach (IommuDevice device in group.Devices)
        {
            if (device.Driver is not { } driver || !_units.TryGetValue(driver, out Platform? platform) ||
                (device.AttachDeferred && group.Domain == group.DefaultDomain))
            {
                continue;
            }

            ushort rid = device.Node.DmaAliases[^1].SourceId;
            ulong[] seen = new ulong[_probes.Length];
            for (int i = 0; i < _probes.Length; i++)
            {
                TranslationResult r = platform.Unit.Translate(DmaRequest.Read(rid, _probes[i]));
                seen[i] = r.IsSuccess ? r.OutputAddress : Faults;
                if (seen[i] != expected[i] && seen[i] != Faults && expected[i] != Unknown && history.ServedByLeftDomain(i, seen[i]) is { } left)
                {
                    found.Add(new(IsolationViolationKind.StaleTranslation, group.Id, device.Name, _probes[i],
                        $"served {Show(seen[i])} from {left}, which the group left; its domain {group.Domain} gives {Show(expected[i])}"));
                }
            }

            if (firstSeen is null)
            {
                (first, firstSeen) = (device, seen);
                continue;
            }

            for (int i = 0; i < _probes.Length; i++)
            {
                if (seen[i] != firstSeen[i])
                {
                    found.Add(new(IsolationViolationKind.SplitAddressSpace, group.Id, device.Name, _probes[i],
                        $"{Show(seen[i])} here, {Show(firstSeen[i])} from {first!.Name}"));
                    break;
                }
            }
        }
    }

    private ulong[] Expected(IommuDomain domain)
    {
        ulong[] expected = new ulong[_probes.Length];
        for (int i = 0; i < _probes.Length; i++)
        {
            ulong iova = _probes[i];
            expected[i] = domain.Type switch
            {
                IommuDomainType.Identity => iova,
                IommuDomainType.Blocked => Faults,
                IommuDomainType.Nested => Unknown,
                _ => IommuCore.IovaToPhys(domain, iova) is var pa && pa != 0 ? pa : Faults,
            };
        }

        return expected;
    }

    private History Remember(IommuGroup group, IommuDomain domain, ulong[] expected)
    {
        if (!_history.TryGetValue(group, out History? history))
        {
            history = new History();
            _history.Add(group, history);
        }

        history.Move(domain, expected);
        return history;
    }

    private static string Show(ulong outcome) =>
        outcome == Faults ? "a fault" : string.Create(CultureInfo.InvariantCulture, $"0x{outcome:x}");

    /// <summary>What a group's domains translated the probes to when it last saw them, for domains it left.</summary>
    private sealed class History
    {
        private readonly List<(IommuDomain Domain, ulong[] Expected)> _left = [];
        private IommuDomain? _current;
        private ulong[] _currentExpected = [];

        public void Move(IommuDomain domain, ulong[] expected)
        {
            if (_current is not null && _current != domain)
            {
                _left.RemoveAll(l => l.Domain == _current);
                _left.Add((_current, _currentExpected));
                if (_left.Count > LeftDomainsKept)
                {
                    _left.RemoveAt(0);
                }
            }

            _left.RemoveAll(l => l.Domain == domain);
            _current = domain;
            _currentExpected = expected;
        }

        public IommuDomain? ServedByLeftDomain(int probe, ulong outcome)
        {
            foreach ((IommuDomain domain, ulong[] expected) in _left)
            {
                if (expected[probe] == outcome)
                {
                    return domain;
                }
            }

            return null;
        }
    }
}
