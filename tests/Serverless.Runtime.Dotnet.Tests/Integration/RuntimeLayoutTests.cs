using System.Net;
using Serverless.Runtime.Dotnet.Tests.Support;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>
/// Issue #21: scripts/build publishes the runtime self-contained with a ReadyToRun composite of itself and the framework
/// assemblies its start loads; the rest of the framework is published as shipped.
/// </summary>
public sealed class RuntimeLayoutTests
{
    [Fact]
    public async Task Invoke_HandlerUsingFrameworkOutsideTheStartupComposite_WorksOnTheRuntimesOwnFramework()
    {
        await using var runtime = await RuntimeProcess.StartReadyAsync("DotnetTest::DotnetTest.FrameworkUse::Report", RuntimeProcess.TestFunctionPath);

        using var response = await runtime.Client.GetAsync("");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1,22,333 x,y round trip", lines[0]);
        // `dotnet Serverless.Runtime.Dotnet.dll` runs a self-contained app on the runtime beside it, not the shared one.
        Assert.Equal(
            Path.TrimEndingDirectorySeparator(Path.GetDirectoryName(RuntimeProcess.RuntimeDll)!),
            Path.TrimEndingDirectorySeparator(lines[1]));
    }
}
