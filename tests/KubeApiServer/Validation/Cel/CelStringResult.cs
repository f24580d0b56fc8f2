namespace Serverless.KubeApiServer.Validation.Cel;

/// <summary>What a string expression (a rule's <c>messageExpression</c>) gave for one value: its text, or an evaluation error.</summary>
public sealed record CelStringResult(string? Value, string? Error)
{
    public static CelStringResult Of(string value) => new(value, null);

    public static CelStringResult Failed(string error) => new(null, error);
}
