namespace VtdEmu.Translation;

/// <summary>
/// The raw end of a second-level walk, before the leaf's rights and output are checked: the
/// caches need it to decide what to fill (a leaf even when the request lacks its rights, a
/// negative entry sized by the level of a not-present or reserved entry).
/// </summary>
/// <param name="Status">Where the walk stopped.</param>
/// <param name="Level">Level of the entry (or table) it stopped at.</param>
/// <param name="Entry">The leaf entry (for <see cref="WalkStatus.Leaf"/>).</param>
/// <param name="Rights">R/W accumulated down to and including <paramref name="Level"/> (leaf only).</param>
/// <param name="Reads">Paging entries read, including a failed read.</param>
/// <param name="RootTableFailed">For <see cref="WalkStatus.ReadError"/>: the unreadable table was the SLPTPTR table.</param>
internal readonly record struct WalkOutcome(WalkStatus Status, int Level, ulong Entry, ulong Rights, int Reads, bool RootTableFailed);
