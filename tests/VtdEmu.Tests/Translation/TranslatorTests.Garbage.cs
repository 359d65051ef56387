using CsCheck;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Translation;

namespace VtdEmu.Tests.Translation;

public sealed partial class TranslatorTests
{
    private const ulong GarbageBase = 0x10_0000;
    private const int GarbagePages = 8;

    /// <summary>
    /// Property: tables full of random words (pointers into the tables, outside RAM, above HAW,
    /// at themselves; reserved bits anywhere), random capabilities, TTM, requesters, PASIDs and
    /// addresses never make the translator throw, and every result is a success or a defined fault
    /// whose suppression and read count are consistent.
    /// </summary>
    [Fact]
    public void Translate_GarbageTables_NeverThrowsAndReturnsDefinedOutcome()
    {
        var seen = new HashSet<FaultReason>();
        for (ulong seed = 1; seed <= 150; seed++)
        {
            var pcg = new PCG(11, seed);
            var memory = new GuestMemory(new MemoryRange(0, 0x100_0000));
            for (ulong word = 0; word < GarbagePages * 512; word++)
            {
                Assert.True(memory.TryWrite64(GarbageBase + (word * 8), GarbageWord(pcg)));
            }

            ulong ecapFlags = 0;
            foreach (int bit in new[] { 2, 6, 7, 25, 26, 29, 30, 31, 34, 43, 45, 46, 47, 48, 49, 52, 53 })
            {
                ecapFlags |= (ulong)pcg.Next(2) << bit;
            }

            ulong sagaw = pcg.Next(2) == 0 ? 0b01110 : pcg.Next(32);
            var cap = new CapabilityRegister((sagaw << 8) | ((ulong)(30 + pcg.Next(27)) << 16) | ((ulong)pcg.Next(4) << 34));
            var parameters = new TranslationParameters(cap, new ExtendedCapabilityRegister(ecapFlags), 32 + (int)pcg.Next(21));
            var translator = new Translator(memory, parameters);

            for (int i = 0; i < 400; i++)
            {
                ulong rootAddress = pcg.Next(8) == 0 ? pcg.Next64() & ~0xFFFUL : GarbageBase + ((ulong)pcg.Next(GarbagePages) << 12);
                var root = new RootPointer(rootAddress, (TranslationTableMode)pcg.Next(4));
                var request = new DmaRequest(
                    (ushort)pcg.Next(0x1_0000),
                    pcg.Next(2) == 0 ? pcg.Next64() : pcg.Next64() >> (int)(16 + pcg.Next(40)),
                    (DmaAccess)pcg.Next(4),
                    (AddressType)pcg.Next(3),
                    pcg.Next(2) == 0 ? null : pcg.Next(3) == 0 ? pcg.Next() : pcg.Next(64),
                    privileged: pcg.Next(2) == 0);

                TranslationResult result = translator.Translate(request, root);

                seen.Add(result.Fault);
                string where = $"seed {seed} case {i}: {request} root 0x{root.Address:X}/{root.Mode} => {result}";
                Assert.True(result.Fault == FaultReason.None || Enum.IsDefined(result.Fault), where);
                Assert.True(!result.Suppressed || result.Fault.IsQualified(), where);
                Assert.True(!result.Aborted || (result.Fault == FaultReason.None && root.Mode == TranslationTableMode.AbortDma), where);
                Assert.InRange(result.TableReads, 0, 9);
                if (result.IsSuccess)
                {
                    Assert.Contains(result.PageShift, new[] { 12, 21, 30 });
                    Assert.True(request.AddressType == AddressType.Translated || result.OutputAddress >> 20 != 0xFEE, where);
                }
            }
        }

        // Guard against a vacuous run: garbage must get through both modes' root and context checks
        // and into the walk (deeper scalable structures are covered by the vectors and the walker property).
        Assert.True(seen.Count >= 18, $"only {seen.Count} outcomes: {string.Join(", ", seen)}");
        Assert.Contains(FaultReason.None, seen);
        Assert.Contains(FaultReason.PagingEntryReserved, seen);
        Assert.Contains(FaultReason.ScalableContextEntryReserved, seen);
    }

    /// <summary>Mostly pointer-shaped words (into the tables, outside RAM, above HAW) with random low bits; some pure noise.</summary>
    private static ulong GarbageWord(PCG pcg) => pcg.Next(10) switch
    {
        < 4 => (GarbageBase + ((ulong)pcg.Next(GarbagePages) << 12)) | pcg.Next(3) switch { 0 => 1UL, 1 => pcg.Next(0x10), _ => pcg.Next(0x1000) },
        4 => (1UL << (int)(32 + pcg.Next(20))) | pcg.Next(0x1000),
        5 => pcg.Next64(),
        6 or 7 => pcg.Next(0x1_0000), // AW / DID / PASID-entry high words
        _ => 0,
    };
}
