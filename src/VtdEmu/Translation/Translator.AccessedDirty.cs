using System.Runtime.CompilerServices;
using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Tables;

namespace VtdEmu.Translation;

public sealed partial class Translator
{
    /// <summary>
    /// The end of a second-level walk under SLADE (spec-notes/translation.md §7): the request's checks first; a
    /// request that passes them sets A on every entry walked and D on the leaf of a write, and only then is anything
    /// cached — the walked non-leaf entries (their A is set, so a walk starting below them owes them nothing) and
    /// the leaf with W only once its D is set. A faulting request sets nothing and caches only what CM=1 caches
    /// as negative.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationResult CompleteWithAccessedDirty(ulong address, DmaAccess access, ushort did, in WalkStart start, in WalkOutcome outcome, ref WalkPath path, long epoch)
    {
        TranslationResult result = SecondLevelWalker.Complete(address, access, scalable: true, outcome);
        if (result.Fault != FaultReason.None)
        {
            lock (_caches.WriterLock)
            {
                if (_epoch.IsCurrent(epoch))
                {
                    FillNegative(did, address, outcome, scalable: true);
                }
            }

            return result;
        }

        FaultReason fault = _walker.SetAccessedDirty(address, start, ref path, outcome.Level, (access & DmaAccess.Write) != 0, out ulong leaf);
        if (fault != FaultReason.None)
        {
            return TranslationResult.Faulted(fault, result.TableReads);
        }

        ulong rights = (leaf & SecondLevelPageTableEntry.DirtyBit) != 0 ? outcome.Rights : outcome.Rights & (ulong)DmaAccess.Read;
        lock (_caches.WriterLock)
        {
            if (_epoch.IsCurrent(epoch))
            {
                FillPagingStructures(did, address, start.Level, outcome.Level, ref path);
                FillLeaf(did, address, outcome.Level, outcome.Entry, rights);
            }
        }

        return result;
    }
}
