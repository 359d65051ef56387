using System.Runtime.CompilerServices;
using VtdEmu.Tables;

namespace VtdEmu.Tests.Tables;

/// <summary>Layout locks for every translation structure: size, byte order, round trip.</summary>
public sealed class TableLayoutTests
{
    [Fact]
    public void SizeOf_EveryStructure_EqualsSpecSize()
    {
        Assert.Equal(16, RootEntry.Size);
        Assert.Equal(16, ContextEntry.Size);
        Assert.Equal(16, ScalableRootEntry.Size);
        Assert.Equal(32, ScalableContextEntry.Size);
        Assert.Equal(8, PasidDirectoryEntry.Size);
        Assert.Equal(64, PasidEntry.Size);
        Assert.Equal(8, SecondLevelPageTableEntry.Size);
        Assert.Equal(RootEntry.Size, Unsafe.SizeOf<RootEntry>());
        Assert.Equal(ContextEntry.Size, Unsafe.SizeOf<ContextEntry>());
        Assert.Equal(ScalableRootEntry.Size, Unsafe.SizeOf<ScalableRootEntry>());
        Assert.Equal(ScalableContextEntry.Size, Unsafe.SizeOf<ScalableContextEntry>());
        Assert.Equal(PasidDirectoryEntry.Size, Unsafe.SizeOf<PasidDirectoryEntry>());
        Assert.Equal(PasidEntry.Size, Unsafe.SizeOf<PasidEntry>());
        Assert.Equal(SecondLevelPageTableEntry.Size, Unsafe.SizeOf<SecondLevelPageTableEntry>());
    }

    [Fact]
    public void ReadFrom_BytesInMemoryOrder_AreLittleEndianWords()
    {
        byte[] bytes = Enumerable.Range(1, 64).Select(i => (byte)i).ToArray();

        var context = ContextEntry.ReadFrom(bytes);
        var pasid = PasidEntry.ReadFrom(bytes);

        Assert.Equal(0x0807_0605_0403_0201UL, context.Low);
        Assert.Equal(0x100F_0E0D_0C0B_0A09UL, context.High);
        Assert.Equal(0x403F_3E3D_3C3B_3A39UL, pasid.Word(7));
    }

    [Fact]
    public void WriteTo_AfterReadFrom_ReproducesEveryByte()
    {
        byte[] source = Enumerable.Range(0, 64).Select(i => unchecked((byte)((i * 37) + 11))).ToArray();
        byte[] target = new byte[64];

        RootEntry.ReadFrom(source).WriteTo(target);
        Assert.Equal(source[..16], target[..16]);
        ContextEntry.ReadFrom(source).WriteTo(target);
        Assert.Equal(source[..16], target[..16]);
        ScalableRootEntry.ReadFrom(source).WriteTo(target);
        Assert.Equal(source[..16], target[..16]);
        ScalableContextEntry.ReadFrom(source).WriteTo(target);
        Assert.Equal(source[..32], target[..32]);
        PasidDirectoryEntry.ReadFrom(source).WriteTo(target);
        Assert.Equal(source[..8], target[..8]);
        SecondLevelPageTableEntry.ReadFrom(source).WriteTo(target);
        Assert.Equal(source[..8], target[..8]);
        PasidEntry.ReadFrom(source).WriteTo(target);
        Assert.Equal(source, target);
    }
}
