using Serverless.TestSupport;

namespace Serverless.Conformance.Tests.Support;

/// <summary>
/// How the platform starts each runtime from the install layout, and the conformance test function of each
/// language (tests/testassets/conformance/README.md), which behave identically.
/// </summary>
internal sealed record RuntimeLanguage(string Name, string Command, string Entry, string FunctionPath, string Handler, string MissingHandler)
{
    public const string Dotnet = "dotnet";
    public const string Node = "node";
    public const string Python = "python";

    public static readonly string[] All = [Dotnet, Node, Python];

    public static RuntimeLanguage Get(string name) => name switch
    {
        Dotnet => new(
            Dotnet,
            ChildEnvironment.DotnetHost,
            RepoPaths.Built("runtimes", "dotnet", "Serverless.Runtime.Dotnet.dll"),
            RepoPaths.Built("testassets", "functions", "dotnet-test"),
            "DotnetTest::DotnetTest.Conformance::Handle",
            "DotnetTest::DotnetTest.Conformance::Nope"),
        Node => new(
            Node,
            "node",
            RepoPaths.Built("runtimes", "node", "index.js"),
            Path.Combine(RepoPaths.Root, "tests", "testassets", "conformance", "node"),
            "index.js:handle",
            "index.js:nope"),
        Python => new(
            Python,
            "python3",
            RepoPaths.Built("runtimes", "python", "runtime.py"),
            Path.Combine(RepoPaths.Root, "tests", "testassets", "conformance", "python"),
            "main:handle",
            "main:nope"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such runtime"),
    };
}
