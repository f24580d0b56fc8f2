using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Runtime.Dotnet.Tests.Support;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>What a function can rely on: its own packages, minimal-API binding, the host's services.</summary>
public sealed class RuntimeBindingTests
{
    [Fact]
    public async Task Invoke_FunctionWithItsOwnNuGetDependency_LoadsItThroughDepsJson()
    {
        await using var runtime = await RuntimeProcess.StartReadyAsync("DotnetTest::DotnetTest.YamlHandler::Parse", RuntimeProcess.TestFunctionPath);

        using var response = await runtime.Client.PostAsync("", new StringContent("name: Ada\nlanguage: C#\n", Encoding.UTF8, "application/yaml"));
        var parsed = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Dictionary<string, string> { ["name"] = "Ada", ["language"] = "C#" }, parsed);
    }

    /// <summary>
    /// Issue #21: the runtime serves through Kestrel without the generic host (FunctionServer); the host's services a
    /// handler may take (environment, lifetime, logging, configuration) are still there, and the lifetime says started.
    /// </summary>
    [Fact]
    public async Task Invoke_HandlerTakingTheHostsServices_BindsThemAsServices()
    {
        await using var runtime = await RuntimeProcess.StartReadyAsync("DotnetTest::DotnetTest.HostServices::Report", RuntimeProcess.TestFunctionPath, ("K_SERVICE", "host-services"));

        using var response = await runtime.Client.GetAsync("");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Production Production started=True stopping=False logger=True service=host-services", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invoke_JsonBodyForARecordParameter_IsBoundAndAnsweredAsJson()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Greet");

        using var response = await runtime.Client.PostAsJsonAsync("", new { name = "Ada" });
        var greeting = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var malformed = await runtime.Client.PostAsync("", new StringContent("{\"name\":", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, Ada!", greeting.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Invoke_InstanceHandlerWithConfiguration_SeesTheFunctionEnvironment()
    {
        await using var runtime = await RuntimeProcess.StartReadyAsync(
            "DotnetTest::DotnetTest.Settings::Read", RuntimeProcess.TestFunctionPath, ("GREETING", "hello from func.yaml"));

        var value = await runtime.Client.GetStringAsync("?key=GREETING");

        Assert.Equal("hello from func.yaml", value);
    }
}
