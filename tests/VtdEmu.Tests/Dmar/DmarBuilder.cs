using System.Buffers.Binary;

namespace VtdEmu.Tests.Dmar;

/// <summary>Builds DMAR tables byte by byte (VT-d spec ch. 8 layouts), fixing the length and checksum on <see cref="Build"/>.</summary>
internal sealed class DmarBuilder
{
    private readonly List<byte> _body = [];

    public DmarBuilder(byte hawMinusOne = 45, byte flags = 1)
    {
        _body.AddRange("DMAR"u8.ToArray());
        _body.AddRange(new byte[4]);                 // length, patched
        _body.Add(1);                                // revision
        _body.Add(0);                                // checksum, patched
        _body.AddRange("VTDEMU"u8.ToArray());
        _body.AddRange("TESTTBL "u8.ToArray());
        _body.AddRange(new byte[12]);                // OEM revision, creator id, creator revision
        _body.Add(hawMinusOne);
        _body.Add(flags);
        _body.AddRange(new byte[10]);
    }

    public static byte[] Endpoint(byte bus, byte device, byte function) => Scope(1, 0, bus, (device, function));

    public static byte[] Bridge(byte bus, byte device, byte function) => Scope(2, 0, bus, (device, function));

    public static byte[] Scope(byte type, byte enumerationId, byte bus, params (byte Device, byte Function)[] path)
    {
        var scope = new List<byte> { type, (byte)(6 + (2 * path.Length)), 0, 0, enumerationId, bus };
        foreach ((byte device, byte function) in path)
        {
            scope.Add(device);
            scope.Add(function);
        }

        return [.. scope];
    }

    public DmarBuilder Drhd(ulong registerBase, bool includeAll, params byte[][] scopes) =>
        Structure(0, [(byte)(includeAll ? 1 : 0), 0, 0, 0, .. Le64(registerBase)], scopes);

    public DmarBuilder Rmrr(ulong first, ulong last, params byte[][] scopes) =>
        Structure(1, [0, 0, 0, 0, .. Le64(first), .. Le64(last)], scopes);

    public DmarBuilder Atsr(bool allPorts, params byte[][] scopes) => Structure(2, [(byte)(allPorts ? 1 : 0), 0, 0, 0], scopes);

    public DmarBuilder Rhsa(ulong registerBase, uint domain) => Structure(3, [0, 0, 0, 0, .. Le64(registerBase), .. Le32(domain)], []);

    public DmarBuilder Satc(bool required, params byte[][] scopes) => Structure(5, [(byte)(required ? 1 : 0), 0, 0, 0], scopes);

    public DmarBuilder Raw(params byte[] bytes)
    {
        _body.AddRange(bytes);
        return this;
    }

    public int Length => _body.Count;

    public byte[] Build()
    {
        byte[] table = [.. _body];
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)table.Length);
        FixChecksum(table);
        return table;
    }

    public static void FixChecksum(byte[] table)
    {
        table[9] = 0;
        byte sum = 0;
        foreach (byte b in table)
        {
            sum = unchecked((byte)(sum + b));
        }

        table[9] = unchecked((byte)(0 - sum));
    }

    private static byte[] Le64(ulong value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Le32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private DmarBuilder Structure(ushort type, byte[] fields, byte[][] scopes)
    {
        int length = 4 + fields.Length + scopes.Sum(s => s.Length);
        _body.AddRange([(byte)type, (byte)(type >> 8), (byte)length, (byte)(length >> 8)]);
        _body.AddRange(fields);
        foreach (byte[] scope in scopes)
        {
            _body.AddRange(scope);
        }

        return this;
    }
}
