using System.Text;
using System.Text.Json;
using VtdEmu.Cli.Decoding;

namespace VtdEmu.Cli;

/// <summary>
/// Writes the <c>--format json</c> documents: one indented JSON document per command run, ending in a
/// newline. Register values and fields are hex strings (<c>"0x1f"</c>) so 64-bit values survive readers
/// whose numbers are doubles.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true };

    /// <summary>Builds a document with <paramref name="write"/> and writes it to <paramref name="output"/>.</summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        output.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
    }

    /// <summary><c>"0x..."</c>: lower-case hex.</summary>
    public static string Hex(ulong value) => $"0x{value:x}";

    /// <summary>A decoded value: <c>{"title", "value", "fields": [{"field", "msb", "lsb", "value", "meaning"}]}</c>.</summary>
    public static void WriteDecoded(Utf8JsonWriter writer, string title, UInt128 value, IReadOnlyList<RegisterFieldRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.WriteStartObject();
        writer.WriteString("title", title);
        writer.WriteString("value", $"0x{value:x}");
        writer.WriteStartArray("fields");
        foreach (RegisterFieldRow row in rows)
        {
            writer.WriteStartObject();
            writer.WriteString("field", row.Field);
            writer.WriteNumber("msb", row.Msb);
            writer.WriteNumber("lsb", row.Lsb);
            writer.WriteString("value", Hex(row.Raw));
            writer.WriteString("meaning", row.Meaning);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
