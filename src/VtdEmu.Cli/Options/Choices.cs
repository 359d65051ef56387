using System.CommandLine;
using System.CommandLine.Parsing;

namespace VtdEmu.Cli.Options;

/// <summary>
/// The one mechanism behind every enum-valued option and argument (page sizes, policies, formats, presets…):
/// the names in the spelling the user types, matched without regard to case. A wrong value is a parse error that
/// lists them, <c>--page-size: expected 4K|2M|1G, found '8K'</c>, with the nearest name when one is close; help
/// shows them as the value's name (<c>--page-size &lt;4K|2M|1G&gt;</c>) and the default by its name.
/// </summary>
internal sealed class Choices<T>
{
    /// <summary>Longer name lists go in the description, so the option column of help stays narrow.</summary>
    private const int MaxHelpNameLength = 32;

    private readonly Choice<T>[] _all;

    public Choices(params IEnumerable<(string Name, T Value)> values)
    {
        _all = [.. values.Select(v => new Choice<T>(v.Name, v.Value))];
        Names = string.Join('|', _all.Select(c => c.Name));
    }

    /// <summary>The names joined by <c>|</c>, in declaration order: <c>4K|2M|1G</c>.</summary>
    public string Names { get; }

    /// <summary>Every choice, in declaration order.</summary>
    public IReadOnlyList<Choice<T>> All => _all;

    /// <summary>The choice that stands for <paramref name="value"/>.</summary>
    public Choice<T> Of(T value) => _all.First(c => EqualityComparer<T>.Default.Equals(c.Value, value));

    public bool TryParse(string text, out Choice<T> choice)
    {
        foreach (Choice<T> c in _all)
        {
            if (string.Equals(c.Name, text, StringComparison.OrdinalIgnoreCase))
            {
                choice = c;
                return true;
            }
        }

        choice = default;
        return false;
    }

    /// <summary><c>expected a|b|c, found 'x'</c>, and the nearest name when one is within two edits.</summary>
    public string Expected(string found)
    {
        string? near = _all.Select(c => c.Name)
            .Select(name => (Name: name, Distance: EditDistance.Between(found.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(c => c.Distance <= 2 && c.Distance < c.Name.Length)
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
        return $"expected {Names}, found '{found}'" + (near is null ? string.Empty : $" (did you mean '{near}'?)");
    }

    /// <summary>An option with a default, shown in help by its name.</summary>
    public Option<Choice<T>> Option(string name, string description, T defaultValue)
    {
        Choice<T> fallback = Of(defaultValue);
        var option = new Option<Choice<T>>(name)
        {
            Description = Describe(description),
            HelpName = HelpName(name),
            DefaultValueFactory = _ => fallback,
            CustomParser = result => Parse(result, name),
        };
        option.CompletionSources.Add([.. _all.Select(c => c.Name)]);
        return option;
    }

    /// <summary>An option without a default (null when absent); its description says what happens then.</summary>
    public Option<Choice<T>?> OptionalOption(string name, string description)
    {
        var option = new Option<Choice<T>?>(name)
        {
            Description = Describe(description),
            HelpName = HelpName(name),
            CustomParser = result => Parse(result, name),
        };
        option.CompletionSources.Add([.. _all.Select(c => c.Name)]);
        return option;
    }

    /// <summary>A comma-separated list of names (a sweep axis): <c>--page-size 4K,2M</c>.</summary>
    public Option<Choice<T>[]> ListOption(string name, string description, params T[] defaults)
    {
        Choice<T>[] fallback = [.. defaults.Select(Of)];
        var option = new Option<Choice<T>[]>(name)
        {
            Description = Describe(description),
            HelpName = $"{HelpName(name)}[,...]",
            CustomParser = result => ParseList(result, name),
        };
        if (fallback.Length > 0)
        {
            option.DefaultValueFactory = _ => fallback;
        }

        option.CompletionSources.Add([.. _all.Select(c => c.Name)]);
        return option;
    }

    /// <summary>A positional argument taking one name.</summary>
    public Argument<Choice<T>> Argument(string name, string description)
    {
        var argument = new Argument<Choice<T>>(name)
        {
            Description = Describe(description),
            HelpName = HelpName(name),
            CustomParser = result => Parse(result, $"<{name}>"),
        };
        argument.CompletionSources.Add([.. _all.Select(c => c.Name)]);
        return argument;
    }

    private string HelpName(string name) => Names.Length <= MaxHelpNameLength ? Names : name.TrimStart('-');

    private string Describe(string description) => Names.Length <= MaxHelpNameLength ? description : $"{description} One of: {Names}.";

    private Choice<T> Parse(ArgumentResult result, string name)
    {
        string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (TryParse(text, out Choice<T> choice))
        {
            return choice;
        }

        result.AddError($"{name}: {Expected(text)}");
        return default;
    }

    private Choice<T>[] ParseList(ArgumentResult result, string name)
    {
        var choices = new List<Choice<T>>();
        foreach (string item in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries)))
        {
            if (!TryParse(item, out Choice<T> choice))
            {
                result.AddError($"{name}: {Expected(item)}");
                return [];
            }

            choices.Add(choice);
        }

        return [.. choices];
    }
}
