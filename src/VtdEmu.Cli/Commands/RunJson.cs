using System.Text.Json;
using VtdEmu.Iommu;
using VtdEmu.Workloads.Scenarios;

namespace VtdEmu.Cli.Commands;

/// <summary><c>vtdemu run --format json</c>: the document whose schema the README gives ("Machine-readable output").</summary>
internal static class RunJson
{
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ScenarioReport> reports, IommuAttachPolicy policy)
    {
        writer.WriteStartObject();
        writer.WriteString("policy", policy.Name);
        writer.WriteStartArray("scenarios");
        foreach (ScenarioReport report in reports)
        {
            writer.WriteStartObject();
            writer.WriteString("file", report.File);
            writer.WriteString("language", report.Language);
            writer.WriteNumber("commands", report.Commands);
            writer.WriteNumber("assertions", report.Assertions);
            writer.WriteBoolean("passed", report.Failures.Count == 0);
            writer.WriteStartArray("results");
            foreach (ScenarioResultLine line in report.Results)
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", line.Location.Line);
                writer.WriteString("command", line.Text);
                writer.WriteString("result", line.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("failures");
            foreach (ScenarioError failure in report.Failures)
            {
                writer.WriteStartObject();
                writer.WriteString("file", failure.Location.File);
                writer.WriteNumber("line", failure.Location.Line);
                writer.WriteNumber("column", failure.Location.Column);
                writer.WriteString("message", failure.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("summary");
        writer.WriteNumber("scenarios", reports.Count);
        writer.WriteNumber("commands", reports.Sum(r => r.Commands));
        writer.WriteNumber("assertions", reports.Sum(r => r.Assertions));
        writer.WriteNumber("failures", reports.Sum(r => r.Failures.Count));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
