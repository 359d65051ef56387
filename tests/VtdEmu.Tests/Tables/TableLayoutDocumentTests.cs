using System.Globalization;
using System.Reflection;
using VtdEmu.Tables;

namespace VtdEmu.Tests.Tables;

/// <summary>
/// spec-notes/tables.md is the written form of every structure's bit layout: each row
/// names an accessor and the bits it must see. A walking-ones pattern over the whole entry checks that
/// the accessor changes for exactly those bits, so the note and the code cannot drift apart.
/// </summary>
public sealed class TableLayoutDocumentTests
{
    private static readonly string s_document = Path.Combine(AppContext.BaseDirectory, "spec-notes", "tables.md");

    public static TheoryData<string, string, int, int> Rows()
    {
        var rows = new TheoryData<string, string, int, int>();
        foreach (string line in File.ReadLines(s_document))
        {
            string[] cells = line.Split('|', StringSplitOptions.TrimEntries);
            // | Structure | Accessor | Mnemonic | Bits | Field |
            if (cells.Length < 6 || cells[1] is "Structure" || cells[1].StartsWith("---", StringComparison.Ordinal) || !cells[4].All(c => char.IsDigit(c) || c == ':'))
            {
                continue;
            }

            string[] bits = cells[4].Split(':');
            int msb = int.Parse(bits[0], CultureInfo.InvariantCulture);
            int lsb = bits.Length > 1 ? int.Parse(bits[1], CultureInfo.InvariantCulture) : msb;
            rows.Add(cells[1], cells[2], msb, lsb);
        }

        return rows;
    }

    [Fact]
    public void Document_ListsEveryStructure()
    {
        var structures = Rows().Select(row => (string)row[0]).ToHashSet();

        Assert.Equal(
            new[] { nameof(ContextEntry), nameof(FirstLevelPagingEntry), nameof(InterruptRemapEntry), nameof(PasidDirectoryEntry), nameof(PasidEntry), nameof(PostedInterruptDescriptor), nameof(PostedInterruptRemapEntry), nameof(RootEntry), nameof(ScalableContextEntry), nameof(ScalableRootEntry), nameof(SecondLevelPageTableEntry) }.Order(),
            structures.Order());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Accessor_WalkingOnes_SeesExactlyItsDocumentedBits(string structure, string accessor, int msb, int lsb)
    {
        Type type = typeof(RootEntry).Assembly.GetType($"VtdEmu.Tables.{structure}", throwOnError: true)!;
        int size = (int)type.GetField("Size")!.GetValue(null)!;
        MethodInfo readFrom = type.GetMethod("ReadFrom", [typeof(ReadOnlySpan<byte>)])!;
        PropertyInfo property = type.GetProperty(accessor)!;
        Assert.True(msb < size * 8, $"{structure}.{accessor}: bit {msb} is outside a {size}-byte entry");

        for (int bit = 0; bit < size * 8; bit++)
        {
            byte[] raw = new byte[size];
            raw[bit / 8] = (byte)(1 << (bit % 8));
            object entry = InvokeReadFrom(readFrom, raw);
            bool sees = ToBits(property.GetValue(entry)!) != 0;

            Assert.True(sees == (bit >= lsb && bit <= msb), $"{structure}.{accessor} ({msb}:{lsb}) {(sees ? "sees" : "misses")} bit {bit}");
        }
    }

    // ReadFrom takes a ReadOnlySpan, which reflection cannot box: call it through a typed delegate.
    private static object InvokeReadFrom(MethodInfo readFrom, byte[] raw)
    {
        MethodInfo call = typeof(TableLayoutDocumentTests).GetMethod(nameof(Call), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(readFrom.ReturnType);
        return call.Invoke(null, [readFrom, raw])!;
    }

    private static object Call<T>(MethodInfo readFrom, byte[] raw)
    {
        var read = readFrom.CreateDelegate<ReadFromSpan<T>>();
        return read(raw)!;
    }

    private static ulong ToBits(object value) => value switch
    {
        bool b => b ? 1UL : 0UL,
        Enum e => Convert.ToUInt64(e, CultureInfo.InvariantCulture),
        _ => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
    };

    private delegate T ReadFromSpan<T>(ReadOnlySpan<byte> source);
}
