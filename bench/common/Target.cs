/// <summary>One runtime's function for the cold-start benches: where its code is and the path it answers 200 on.</summary>
internal sealed record Target(string Runtime, string Handler, string Source, string Path);
