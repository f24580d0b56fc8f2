using System.Net;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>
/// Native functions (<c>build: {native: true}</c>): the runtime and the function compiled together ahead of time keep
/// the JIT host's contract: binding, CloudEvents, problems, timeouts, readiness, metrics, the drain.
/// </summary>
public sealed class NativeFunctionTests(NativeFunctionsFixture native) : IClassFixture<NativeFunctionsFixture>
{
    private const string AssetHandler = "NativeTest::NativeTest.Greeter::Handle";
    private const string TemplateHandler = "Function::Function.Handler::Handle";

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Artifact_NativeBuild_IsTheExecutableAndItsManifestOnly()
    {
        var files = Directory.GetFiles(native.ArtifactPath(NativeFunctionsFixture.Asset)).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(native.ArtifactPath(NativeFunctionsFixture.Asset), "serverless-native.json")));

        Assert.Equal(["serverless-function", "serverless-native.json"], files);
        Assert.Equal("serverless-function", manifest.RootElement.GetProperty("entry").GetString());
        Assert.Equal(AssetHandler, manifest.RootElement.GetProperty("handler").GetString());
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, manifest.RootElement.GetProperty("runtimeIdentifier").GetString());
        Assert.NotEqual((UnixFileMode)0, File.GetUnixFileMode(native.Executable(NativeFunctionsFixture.Asset)) & UnixFileMode.UserExecute);
    }

    [Fact]
    public void Build_ReflectionJsonInTheFunction_WarnedWithItsFileAndLineOnly()
    {
        var printed = native.AssetBuild!.StdOut + native.AssetBuild.StdErr;
        var warnings = printed.Split('\n').Where(l => l.Contains("warning: ", StringComparison.Ordinal)).ToList();

        // Greeter.cs reads the body with reflection-based JsonSerializer: IL2026 and IL3050 there, nothing of the runtime.
        Assert.Contains(warnings, w => w.Contains("warning: Greeter.cs(", StringComparison.Ordinal) && w.Contains("IL3050", StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Contains("warning: Greeter.cs(", w));
    }

    [Fact]
    public void Build_Twice_SameDigestSoNoNewRevision()
    {
        // The host project once lived in a fresh temporary directory: each build made another executable.
        static string Digest(ProcessRunner.Result build) =>
            System.Text.RegularExpressions.Regex.Match(build.StdOut + build.StdErr, "digest ([0-9a-f]+)").Groups[1].Value;

        Assert.Equal(0, native.AssetRebuild!.ExitCode);
        Assert.NotEqual("", Digest(native.AssetBuild!));
        Assert.Equal(Digest(native.AssetBuild!), Digest(native.AssetRebuild));
    }

    [Fact]
    public async Task InstanceHandler_GetAndPost_BoundWithServicesQueryAndBody()
    {
        await using var runtime = await StartAssetAsync(("GREETING_FROM", "config"), ("K_SERVICE", "native-test"));

        using var greeting = JsonDocument.Parse(await runtime.Client.GetStringAsync("?name=Ada"));
        using var posted = await runtime.Client.PostAsync("", new StringContent("""{"a":1}""", Encoding.UTF8, "application/json"));
        using var postedJson = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
        using var created = await runtime.Client.GetAsync("?do=status");

        Assert.Equal("Hello, Ada", greeting.RootElement.GetProperty("text").GetString());
        Assert.Equal("config", greeting.RootElement.GetProperty("from").GetString());
        Assert.Equal("native-test", greeting.RootElement.GetProperty("service").GetString());
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(1, postedJson.RootElement.GetProperty("body").GetProperty("a").GetInt32());
        Assert.Equal(2, postedJson.RootElement.GetProperty("calls").GetInt32()); // one instance, created once
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task InstanceHandler_EventAndInvalidEvent_ReplyEventAnd400NamingTheAttribute()
    {
        await using var runtime = await StartAssetAsync();
        var sent = new CloudEvent { Id = "evt-7", Source = new Uri("urn:test"), Type = "com.example.hello" };

        using var response = await runtime.Client.PostAsync("", sent.ToHttpContent(ContentMode.Binary, new JsonEventFormatter()));
        var reply = await response.ToCloudEventAsync(new JsonEventFormatter());
        using var invalid = new HttpRequestMessage(HttpMethod.Post, "") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        invalid.Headers.Add("ce-specversion", "1.0");
        invalid.Headers.Add("ce-id", "x");
        invalid.Headers.Add("ce-type", "t");
        using var missingSource = await runtime.Client.SendAsync(invalid);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("com.example.hello.greeted", reply.Type);
        Assert.Equal("evt-7", Assert.IsType<JsonElement>(reply.Data).GetProperty("original").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missingSource.StatusCode);
        using var problem = JsonDocument.Parse(await missingSource.Content.ReadAsStringAsync());
        Assert.Equal("The CloudEvent is missing the required attribute \"source\"", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task InstanceHandler_ThrowsAndTimesOut_500And504Problems()
    {
        await using var runtime = await StartAssetAsync(("FUNCTION_TIMEOUT", "1"));

        using var failed = await runtime.Client.GetAsync("?do=fail");
        using var slow = await runtime.Client.GetAsync("?do=sleep");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Contains("asked to fail", runtime.StandardError + runtime.StandardOutput);
    }

    [Fact]
    public async Task InstanceHandler_ReadinessMetricsAndSigterm_AsTheJitHost()
    {
        await using var runtime = await StartAssetAsync(("K_SERVICE", "native-test"), ("LOG_LEVEL", "information"));
        await runtime.Client.GetStringAsync("?name=metrics");

        var samples = await runtime.WaitForMetricsAsync(s => s.Any(x => x.Name == "serverless_runtime_requests_total"));
        runtime.Terminate();
        var exit = await runtime.WaitForExitAsync();

        Assert.Equal(1, samples.Single(s => s.Name == "serverless_runtime_requests_total" && s.Labels["code"] == "200").Value);
        Assert.Equal("native-test", samples.First(s => s.Name == "serverless_runtime_requests_total").Labels["function"]);
        Assert.Equal(0, exit);
        Assert.Contains("disposed", runtime.StandardOutput + runtime.StandardError); // the instance handler is disposed at exit
    }

    [Fact]
    public async Task Start_HandlerOtherThanTheCompiledOne_ExitsWithLoadFailureNamingIt()
    {
        await using var runtime = RuntimeInstance.Start(
            native.Executable(NativeFunctionsFixture.Asset), "", native.ArtifactPath(NativeFunctionsFixture.Asset), "Other::Other.Handler::Handle", []);

        var exit = await runtime.WaitForExitAsync();

        Assert.Equal(3, exit);
        Assert.Contains("assembly Other is not part of this native function", runtime.StandardError);
    }

    [Fact]
    public async Task CloudEventsTemplate_Native_RepliesWithProcessedEvent()
    {
        await using var runtime = await RuntimeInstance.StartReadyAsync(
            native.Executable(NativeFunctionsFixture.Template), "", native.ArtifactPath(NativeFunctionsFixture.Template), TemplateHandler, []);

        await TemplateTests.AssertCloudEventsTemplateAsync(runtime);
    }

    private Task<RuntimeInstance> StartAssetAsync(params (string Key, string Value)[] environment) =>
        RuntimeInstance.StartReadyAsync(
            native.Executable(NativeFunctionsFixture.Asset), "", native.ArtifactPath(NativeFunctionsFixture.Asset), AssetHandler, environment);
}
