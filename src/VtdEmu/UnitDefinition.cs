using VtdEmu.Caches;
using VtdEmu.Registers;

namespace VtdEmu;

/// <summary>One remapping unit of a platform: its configuration, where its registers sit, and its device scope.</summary>
/// <param name="Configuration">VER/CAP/ECAP/HAW.</param>
/// <param name="RegisterBase">Physical base of the register block (the DRHD's register base).</param>
/// <param name="Scope">The requesters the unit covers.</param>
/// <param name="Caches">Cache geometry (null: defaults).</param>
public sealed record UnitDefinition(UnitConfiguration Configuration, ulong RegisterBase, UnitScope Scope, TranslationCacheOptions? Caches = null);
