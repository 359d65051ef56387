using System.CommandLine;
using VtdEmu.Cli.Plotting;

namespace VtdEmu.Cli.Commands;

/// <summary>
/// <c>vtdemu plot FILE.csv --x COLUMN --y COLUMN [--series COLUMN] [--log-x] -o out.svg|out.png</c>:
/// a line chart of a CSV (a sweep's output, or any CSV with a header), one line per series value.
/// </summary>
internal static class PlotCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "A CSV file with a header line (e.g. the output of 'vtdemu sweep')." };
        var x = new Option<string>("--x") { Description = "The column on the x axis.", Required = true };
        var y = new Option<string>("--y") { Description = "The column on the y axis.", Required = true };
        var series = new Option<string?>("--series") { Description = "A column whose values split the rows into lines (e.g. page_size, preset, source)." };
        var logX = new Option<bool>("--log-x") { Description = "A logarithmic (base 2) x axis, for windows and sizes." };
        var title = new Option<string?>("--title") { Description = "The chart's title (default: 'Y vs X')." };
        var output = new Option<string>("--output", "-o") { Description = "The picture to write: a .svg or .png file.", Required = true };
        var command = new Command("plot", "Draw a line chart of two columns of a CSV file (SVG or PNG).") { file, x, y, series, logX, title, output };
        command.SetAction(parse => Run(
            context,
            parse.GetRequiredValue(file),
            new LineChart.Spec(parse.GetRequiredValue(x), parse.GetRequiredValue(y), parse.GetValue(series), parse.GetValue(logX), parse.GetValue(title)),
            parse.GetRequiredValue(output)));
        return command;
    }

    public static int Run(CliContext context, string file, LineChart.Spec spec, string output)
    {
        if (!File.Exists(file))
        {
            return CliError.Write(context.Error, $"plot: {file}: no such file", "Check the path.");
        }

        string? error = CsvTable.TryRead(file, out string? readError) is { } table
            ? LineChart.TrySave(table, spec, output)
            : readError;
        if (error is not null)
        {
            return CliError.Write(context.Error, $"plot: {error}", CliError.SeeHelp("plot"));
        }

        context.Error.WriteLine($"plot: wrote {output}");
        return ExitCode.Success;
    }
}
