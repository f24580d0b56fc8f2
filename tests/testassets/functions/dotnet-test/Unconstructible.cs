namespace DotnetTest;

/// <summary>An instance handler whose constructor fails: the runtime must report it before listening.</summary>
public sealed class Unconstructible
{
    private readonly string _greeting;

    public Unconstructible()
    {
        _greeting = "never";
        throw new InvalidOperationException("constructor refused");
    }

    public string Handle() => _greeting;
}
