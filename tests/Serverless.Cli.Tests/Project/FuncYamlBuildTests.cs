using Serverless.Cli.Project;

namespace Serverless.Cli.Tests.Project;

/// <summary>func.yaml's <c>build</c> mapping: <c>native</c>, a C# function compiled ahead of time.</summary>
public sealed class FuncYamlBuildTests
{
    [Theory]
    [InlineData("absent", "", false)]
    [InlineData("true", "build:\n  native: true\n", true)]
    [InlineData("false", "build:\n  native: false\n", false)]
    [InlineData("flow mapping", "build: {native: true}\n", true)]
    [InlineData("null build", "build:\n", false)]
    [InlineData("null native", "build:\n  native:\n", false)]
    public void Parse_BuildNative_Read(string label, string yaml, bool expected)
    {
        var project = FuncYamlReader.Parse("name: hello\nruntime: dotnet\n" + yaml, "func.yaml");

        Assert.True(expected == project.Native, label);
    }

    [Theory]
    [InlineData("not a boolean", "runtime: dotnet\nbuild:\n  native: yes\n", "func.yaml:4: build.native must be true or false (got \"yes\")")]
    [InlineData("quoted", "runtime: dotnet\nbuild:\n  native: \"true\"\n", "func.yaml:4: build.native must be true or false (got the quoted string \"true\")")]
    [InlineData("unknown key", "runtime: dotnet\nbuild:\n  aot: true\n", "func.yaml:4: unknown key \"build.aot\"")]
    [InlineData("not a mapping", "runtime: dotnet\nbuild: native\n", "func.yaml:3: build must be a mapping")]
    [InlineData("another runtime", "runtime: node\nbuild:\n  native: true\n", "func.yaml:4: build.native is for runtime dotnet only (this function's runtime is node)")]
    public void Parse_BadBuild_ErrorNamesTheFieldAndLine(string label, string yaml, string expected)
    {
        var error = Assert.Throws<FuncYamlException>(() => FuncYamlReader.Parse("name: hello\n" + yaml, "func.yaml"));

        Assert.True(error.Errors.Any(e => e.StartsWith(expected, StringComparison.Ordinal)), $"{label}: {string.Join("; ", error.Errors)}");
    }
}
