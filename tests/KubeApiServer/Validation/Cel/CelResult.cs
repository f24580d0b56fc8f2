namespace Serverless.KubeApiServer.Validation.Cel;

/// <summary>
/// What a rule gave for one value: true or false, or an evaluation error (no such key, a quantity that does not
/// parse, …), which the API server reports as a failed rule.
/// </summary>
public sealed record CelResult(bool Value, string? Error)
{
    /// <summary>The rule holds: it evaluated to true without error.</summary>
    public bool Passed => Value && Error is null;

    public static CelResult Of(bool value) => new(value, null);

    public static CelResult Failed(string error) => new(false, error);
}
