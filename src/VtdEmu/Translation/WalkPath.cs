using System.Runtime.CompilerServices;

namespace VtdEmu.Translation;

/// <summary>
/// The non-leaf entries one walk validated, for filling the paging-structure cache: for each
/// level L in (<see cref="WalkOutcome.Level"/>, start level], the next-level table address ORed
/// with the R/W bits accumulated down to and including the level-L entry. A fixed inline buffer:
/// recording it allocates nothing.
/// </summary>
[InlineArray(TranslationParameters.MaxLevels + 1)]
internal struct WalkPath
{
    private ulong _element0;
}
