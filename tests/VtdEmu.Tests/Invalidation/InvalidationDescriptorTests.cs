using CsCheck;
using VtdEmu.Internal;
using VtdEmu.Invalidation;

namespace VtdEmu.Tests.Invalidation;

/// <summary>Reserved-field and type checks of <see cref="InvalidationDescriptor"/> against the descriptor formats of
/// VT-d spec §6.5.2.1–§6.5.2.8 (spec-notes/invalidation.md §4).</summary>
public sealed class InvalidationDescriptorTests
{
    // A unit that supports everything (scalable, DT, IR, PDS, PSI, MAMV 63, MHMV 15), so only reserved bits decide.
    private static readonly DescriptorContext s_everything = new(false, true, true, true, true, true, 63, 15);

    // Defined fields per type (QW0, QW1), written as the spec's msb:lsb ranges. Bits 3:0 and 11:9 are the type.
    public static TheoryData<int, ulong, ulong> DefinedFields => new()
    {
        { 1, Bits.Range(5, 4) | Bits.Range(31, 16) | Bits.Range(47, 32) | Bits.Range(49, 48), 0 },
        { 2, Bits.Range(5, 4) | Bits.Range(7, 6) | Bits.Range(31, 16), Bits.Range(6, 0) | Bits.Range(63, 12) },
        { 3, Bits.Range(15, 12) | Bits.Range(20, 16) | Bits.Range(47, 32) | Bits.Range(63, 52), Bits.Range(0, 0) | Bits.Range(63, 12) },
        { 4, Bits.Range(4, 4) | Bits.Range(31, 27) | Bits.Range(47, 32), 0 },
        { 5, Bits.Range(7, 4) | Bits.Range(63, 32), Bits.Range(63, 2) },
        { 6, Bits.Range(5, 4) | Bits.Range(31, 16) | Bits.Range(51, 32), Bits.Range(6, 0) | Bits.Range(63, 12) },
        { 7, Bits.Range(5, 4) | Bits.Range(31, 16) | Bits.Range(51, 32), 0 },
        { 8, Bits.Range(8, 4) | Bits.Range(15, 12) | Bits.Range(63, 16), Bits.Range(0, 0) | Bits.Range(63, 11) },
    };

    [Theory]
    [MemberData(nameof(DefinedFields))]
    public void Validate_DefinedFieldsOnly_Accepted(int type, ulong defined0, ulong defined1)
    {
        Gen.Select(Gen.ULong, Gen.ULong).Sample((a, b) =>
        {
            ulong qw0 = ValidEncodings(type, (a & defined0) | (uint)type);
            var descriptor = new InvalidationDescriptor(qw0, b & defined1);
            Assert.Equal(InvalidationQueueError.None, descriptor.Validate(s_everything));
        });
    }

    [Theory]
    [MemberData(nameof(DefinedFields))]
    public void Validate_AnyReservedBit_Iqei4(int type, ulong defined0, ulong defined1)
    {
        ulong reserved0 = ~(defined0 | Bits.Range(3, 0) | Bits.Range(11, 9));
        ulong reserved1 = ~defined1;
        Gen.Select(Gen.Int[0, 63], Gen.Bool, Gen.ULong).Sample((bit, inQw1, a) =>
        {
            ulong reserved = inQw1 ? reserved1 : reserved0;
            if (!Bits.IsSet(reserved, bit))
            {
                return;
            }

            ulong qw0 = ValidEncodings(type, (a & defined0) | (uint)type);
            var descriptor = inQw1 ? new InvalidationDescriptor(qw0, 1UL << bit) : new InvalidationDescriptor(qw0 | (1UL << bit), 0);
            Assert.Equal(InvalidationQueueError.ReservedField, descriptor.Validate(s_everything));
        });
    }

    [Fact]
    public void Validate_TypeHighBitsSet_InvalidType()
    {
        Gen.Select(Gen.Int[1, 7], Gen.Int[0, 15]).Sample((high, low) =>
        {
            var descriptor = new InvalidationDescriptor(((ulong)high << 9) | (uint)low, 0);
            Assert.Equal(InvalidationQueueError.InvalidType, descriptor.Validate(s_everything));
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(15)]
    public void Validate_UndefinedLowType_InvalidType(int type) =>
        Assert.Equal(InvalidationQueueError.InvalidType, new InvalidationDescriptor((uint)type, 0).Validate(s_everything));

    // Replaces G with a valid encoding for the types that have one (1, 2: not 00; 6: 1x; 7: not 10) and
    // keeps the iec IM within MHMV (at most 15: MHMV is 4 bits, IM 5).
    private static ulong ValidEncodings(int type, ulong qw0)
    {
        if (type == 4)
        {
            qw0 &= ~(1UL << 31);
        }

        ulong g = Bits.Get(qw0, 5, 4);
        g = type switch
        {
            1 or 2 => g == 0 ? 1 : g,
            6 => g | 2,
            7 => g == 2 ? 3 : g,
            _ => g,
        };
        return type is 1 or 2 or 6 or 7 ? Bits.With(qw0, 5, 4, g) : qw0;
    }
}
