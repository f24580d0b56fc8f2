namespace DotnetTest;

/// <summary>Handlers the runtime must refuse at load time, each for its own reason.</summary>
public static class Broken
{
    /// <summary>Two parameters inferred from the body: minimal-API binding rejects it.</summary>
    public static string TwoBodies(Greeting first, Greeting second) => first.Name + second.Name;
}
