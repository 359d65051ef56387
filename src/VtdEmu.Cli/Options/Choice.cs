namespace VtdEmu.Cli.Options;

/// <summary>
/// One value an enum-valued option accepts, with the name the user types for it. Help prints a default through
/// <see cref="ToString"/>, so it shows <c>[default: 4K]</c>, never a .NET member name.
/// </summary>
internal readonly record struct Choice<T>(string Name, T Value)
{
    public override string ToString() => Name;
}
