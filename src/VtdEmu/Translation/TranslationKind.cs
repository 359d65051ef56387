namespace VtdEmu.Translation;

/// <summary>How a resolved context translates untranslated requests.</summary>
public enum TranslationKind : byte
{
    /// <summary>Walk the second-level tables from SLPTPTR (legacy TT 00/01, scalable PGTT 010).</summary>
    SecondLevel = 0,

    /// <summary>Output = input (legacy TT 10, scalable PGTT 100).</summary>
    PassThrough = 1,
}
