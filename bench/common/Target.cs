/// <summary>One runtime's function for the cold-start benches: where its code is and the path it answers 200 on.</summary>
/// <param name="Name">What results call it, when not the runtime's name (<c>dotnet-native</c>: a native C# function).</param>
internal sealed record Target(string Runtime, string Handler, string Source, string Path, string? Name = null)
{
    public string Label => Name ?? Runtime;
}
