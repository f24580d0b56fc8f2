namespace Serverless.Core.Validation;

/// <summary>One problem with a resource, at a field path such as <c>spec.scale.maxScale</c>.</summary>
public sealed record ValidationError(string Field, string Message)
{
    public override string ToString() => Field + ": " + Message;
}
