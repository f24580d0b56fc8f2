using Serverless.Cli.Build;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Build;

/// <summary>The handler checks of a native build, from the metadata of the built test function (tests/testassets/functions/dotnet-test).</summary>
public sealed class NativeHandlerInspectorTests
{
    private static string Assembly => RepoPaths.Built("testassets", "functions", "dotnet-test", "DotnetTest.dll");

    [Theory]
    [InlineData("DotnetTest.Handlers", "Throw", true)]
    [InlineData("DotnetTest.Counter", "Next", false)]
    public void IsStatic_Handler_FromItsMetadata(string type, string method, bool expected)
    {
        Assert.Equal(expected, NativeHandlerInspector.IsStatic(Assembly, type, method));
    }

    [Theory]
    [InlineData("DotnetTest.Missing", "Handle", "type \"DotnetTest.Missing\" not found in DotnetTest.dll")]
    [InlineData("DotnetTest.Handlers", "Nope", "public method \"Nope\" not found on type \"DotnetTest.Handlers\"")]
    [InlineData("DotnetTest.Handlers", "Overloaded", "method \"Overloaded\" on type \"DotnetTest.Handlers\" has 2 public overloads; a handler method must be unique")]
    [InlineData("DotnetTest.Handlers", "ToString", "public method \"ToString\" not found on type \"DotnetTest.Handlers\"")]
    public void IsStatic_UnbindableHandler_SaysWhy(string type, string method, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => NativeHandlerInspector.IsStatic(Assembly, type, method));

        Assert.Equal(expected, error.Message);
    }
}
