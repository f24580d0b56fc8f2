namespace Serverless.Deploy.Tests.Schema;

/// <summary>One refusal of the structural schema, at a field path as the API server prints it.</summary>
internal sealed record SchemaError(string Path, string Message)
{
    public override string ToString() => Path + ": " + Message;
}
