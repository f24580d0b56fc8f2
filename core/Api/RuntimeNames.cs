namespace Serverless.Core.Api;

public static class RuntimeNames
{
    public const string Dotnet = "dotnet";
    public const string Node = "node";
    public const string Python = "python";

    public static readonly IReadOnlyList<string> All = [Dotnet, Node, Python];
}
