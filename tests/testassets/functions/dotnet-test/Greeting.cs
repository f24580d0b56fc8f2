namespace DotnetTest;

public sealed record Greeting(string Name, string? Message);
