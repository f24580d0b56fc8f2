using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Admin;

public sealed class AdminApiTests : IClassFixture<PlatformFixture>
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";
    private readonly PlatformFixture _fixture;

    public AdminApiTests(PlatformFixture fixture)
    {
        _fixture = fixture;
    }

    private HttpClient Admin => _fixture.Admin;

    [Fact]
    public async Task Create_InvalidSpec_Returns422WithEveryFieldError()
    {
        var function = NodeFunction("bad-spec");
        function.Spec.Runtime = "ruby";
        function.Spec.Scale = new ScaleSpec { MinScale = 3, MaxScale = 1 };
        function.Spec.Env = [new EnvVar { Name = "PORT", Value = "1" }];

        using var response = await Admin.PostAsync(Functions, Json(function));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var status = ResourceJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync());
        Assert.Equal("Invalid", status.Reason);
        var fields = status.Details.Causes.Select(c => c.Field).ToHashSet();
        Assert.Contains("spec.runtime", fields);
        Assert.Contains("spec.scale.maxScale", fields);
        Assert.Contains("spec.env[0].name", fields);
        Assert.Contains(status.Details.Causes, c => c.Field == "spec.scale.maxScale" && c.Message.Contains("must be >= minScale (3)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not json", "malformed")]
    [InlineData("", "empty")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}", "wrong kind")]
    [InlineData("{\"apiVersion\":\"serverless.dev/v1alpha1\",\"kind\":\"Function\",\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"}}", "namespace mismatch")]
    public async Task Create_BadBody_Returns400(string body, string label)
    {
        using var response = await Admin.PostAsync(Functions, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, label + ": " + response.StatusCode);
        var status = ResourceJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync());
        Assert.Equal("BadRequest", status.Reason);
    }

    [Fact]
    public async Task Create_BodyOverLimit_Returns413()
    {
        var function = NodeFunction("too-big");
        function.Metadata.Annotations = new Dictionary<string, string> { ["big"] = new string('x', 4 * 1024 * 1024) };

        // With Expect: 100-continue the server answers before the client streams 4 MiB it would refuse.
        using var request = new HttpRequestMessage(HttpMethod.Post, Functions) { Content = Json(function) };
        request.Headers.ExpectContinue = true;
        using var response = await Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("/apis/serverless.dev/v1alpha1/namespaces/default/functions/missing", HttpStatusCode.NotFound)]
    [InlineData("/apis/serverless.dev/v1alpha1/namespaces/Bad_NS/functions", HttpStatusCode.BadRequest)]
    [InlineData("/apis/serverless.dev/v1alpha1/namespaces/default/functions/..%2Fetc", HttpStatusCode.BadRequest)]
    public async Task Get_MissingOrInvalidName_ReturnsStatus(string path, HttpStatusCode expected)
    {
        using var response = await Admin.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("Status", ResourceJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync()).Kind);
    }

    [Fact]
    public async Task CreateReplaceDelete_FollowsKubernetesSemantics()
    {
        using var created = await Admin.PostAsync(Functions, Json(NodeFunction("crud")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stored = ResourceJson.Deserialize<Function>(await created.Content.ReadAsStringAsync());
        Assert.Equal(1, stored.Metadata.Generation);
        Assert.False(string.IsNullOrEmpty(stored.Metadata.Uid));
        Assert.Equal(300, stored.Spec.TimeoutSeconds); // defaulted at admission

        using var duplicate = await Admin.PostAsync(Functions, Json(NodeFunction("crud")));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("AlreadyExists", ResourceJson.Deserialize<V1Status>(await duplicate.Content.ReadAsStringAsync()).Reason);

        // The controller writes status meanwhile, which moves resourceVersion (as on a real API server): read first,
        // and, as any client does, read again when a status write slipped in between (bounded).
        var (fresh, replaced) = await ReplaceTimeoutAsync("crud", 30);
        for (var attempt = 2; replaced.StatusCode == HttpStatusCode.Conflict && attempt <= 5; attempt++)
        {
            replaced.Dispose();
            (fresh, replaced) = await ReplaceTimeoutAsync("crud", 30);
        }

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var afterReplace = ResourceJson.Deserialize<Function>(await replaced.Content.ReadAsStringAsync());
        replaced.Dispose();
        Assert.Equal(2, afterReplace.Metadata.Generation);
        Assert.Equal(fresh.Metadata.Uid, afterReplace.Metadata.Uid);

        // The first read's resourceVersion is stale now.
        stored.Spec.TimeoutSeconds = 40;
        using var stale = await Admin.PutAsync(Functions + "/crud", Json(stored));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("Conflict", ResourceJson.Deserialize<V1Status>(await stale.Content.ReadAsStringAsync()).Reason);

        using var deleted = await Admin.DeleteAsync(Functions + "/crud");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var gone = await Admin.GetAsync(Functions + "/crud");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Apply_CreatesThenReplaces()
    {
        var function = NodeFunction("applied");
        using var first = await Admin.PatchAsync(Functions + "/applied?fieldManager=admin-test&force=true", Json(function, "application/apply-patch+json"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        function.Spec.TimeoutSeconds = 12;
        using var second = await Admin.PatchAsync(Functions + "/applied?fieldManager=admin-test&force=true", Json(function, "application/apply-patch+json"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(12, ResourceJson.Deserialize<Function>(await second.Content.ReadAsStringAsync()).Spec.TimeoutSeconds);

        // Merge patch is served (issue #19); strategic merge is refused for custom resources, as on Kubernetes.
        using var merge = await Admin.PatchAsync(Functions + "/applied", Json(function, "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        using var strategic = await Admin.PatchAsync(Functions + "/applied", Json(function, "application/strategic-merge-patch+json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, strategic.StatusCode);
    }

    [Fact]
    public async Task Watch_StreamsExistingAndNewObjects()
    {
        using var created = await Admin.PostAsync(Functions, Json(NodeFunction("watched-a")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, Functions + "?watch=true");
        using var response = await Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var seen = new List<(string Type, string Name)>();
        var createdSecond = false;
        while (!seen.Contains(("ADDED", "watched-b")))
        {
            var line = await reader.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("the watch ended");
            using var doc = JsonDocument.Parse(line);
            seen.Add((doc.RootElement.GetProperty("type").GetString()!, doc.RootElement.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString()!));
            if (!createdSecond && seen.Contains(("ADDED", "watched-a")))
            {
                createdSecond = true;
                using var second = await Admin.PostAsync(Functions, Json(NodeFunction("watched-b")), cts.Token);
                Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            }
        }

        Assert.Contains(("ADDED", "watched-a"), seen);
    }

    // Issue #14 item 16: admitted, then failed at every start with `no command is configured for runtime ""`.
    [Fact]
    public async Task Create_ImageOnlyFunction_Returns422SayingImagesNeedKubernetesMode()
    {
        var function = new Function
        {
            Metadata = new V1ObjectMeta { Name = "image-only" },
            Spec = new FunctionSpec { Image = "ghcr.io/example/app:1" },
        };

        using var response = await Admin.PostAsync(Functions, Json(function));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var status = ResourceJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync());
        Assert.Contains(status.Details.Causes, c => c.Field == "spec.image" && c.Message.Contains("only in Kubernetes mode", StringComparison.Ordinal));
        using var get = await Admin.GetAsync(Functions + "/image-only");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    // Issue #14 item 14: apply ignored a resourceVersion in its body, so a stale one overwrote a newer object.
    // (Server-side apply needs a fieldManager, and force takes the fields the POST's manager owns: issue #19.)
    [Fact]
    public async Task Apply_StaleResourceVersionInBody_Returns409AndKeepsTheNewer()
    {
        var function = NodeFunction("applied-stale");
        using (var created = await Admin.PostAsync(Functions, Json(function)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            function = ResourceJson.Deserialize<Function>(await created.Content.ReadAsStringAsync());
        }

        // The creation's version is stale once anything writes the object (this unconditional apply; the controller's
        // status writes too).
        var stale = function.Metadata.ResourceVersion;
        function.Metadata.ResourceVersion = null;
        function.Spec.TimeoutSeconds = 11;
        using (var first = await Admin.PatchAsync(Functions + "/applied-stale?fieldManager=admin-test&force=true", Json(function, "application/apply-patch+json")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        function.Metadata.ResourceVersion = stale;
        function.Spec.TimeoutSeconds = 22;
        using var second = await Admin.PatchAsync(Functions + "/applied-stale?fieldManager=admin-test&force=true", Json(function, "application/apply-patch+json"));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(11, (await GetFunctionAsync("applied-stale")).Spec.TimeoutSeconds);
        function.Metadata.ResourceVersion = null;
        using var unconditional = await Admin.PatchAsync(Functions + "/applied-stale?fieldManager=admin-test&force=true", Json(function, "application/apply-patch+json"));
        Assert.Equal(HttpStatusCode.OK, unconditional.StatusCode);
    }

    private async Task<Function> GetFunctionAsync(string name)
    {
        using var response = await Admin.GetAsync(Functions + "/" + name);
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }

    // Issue #14 item 10: a Function in namespace brokers became Ready, and its URL was answered by the broker ingress.
    [Fact]
    public async Task Create_FunctionInNamespaceBrokers_Returns422()
    {
        using var response = await Admin.PostAsync(
            "/apis/serverless.dev/v1alpha1/namespaces/brokers/functions", Json(NodeFunction("default")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var status = ResourceJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync());
        Assert.Contains(status.Details.Causes, c => c.Field == "metadata.namespace" && c.Message.Contains("broker ingress", StringComparison.Ordinal));
    }

    // Issue #14 item 11: before, each of these ended the watch with a 500 and an empty body.
    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("99999999999999999999999")]
    public async Task Watch_ResourceVersionNotAVersion_Returns400WithStatus(string resourceVersion)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await Admin.GetAsync($"{Functions}?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}", cts.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = ResourceJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync(cts.Token));
        Assert.Equal("BadRequest", status.Reason);
        Assert.Contains($"resourceVersion: Invalid value: \"{resourceVersion}\"", status.Message, StringComparison.Ordinal);
    }

    // Issue #14 item 13: a body that does not say it is JSON was parsed as JSON anyway.
    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Create_BodyNotDeclaredJson_Returns415(string? contentType)
    {
        using var content = new StringContent(ResourceJson.Serialize(NodeFunction("typed-" + (contentType is null ? "none" : "text"))));
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);

        using var created = await Admin.PostAsync(Functions, content);
        using var replaced = await Admin.PutAsync(Functions + "/typed-x", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, created.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, replaced.StatusCode);
        var status = ResourceJson.Deserialize<V1Status>(await created.Content.ReadAsStringAsync());
        Assert.Equal("UnsupportedMediaType", status.Reason);
        Assert.Contains("application/json", status.Message, StringComparison.Ordinal);
        using var get = await Admin.GetAsync(Functions + "/typed-" + (contentType is null ? "none" : "text"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Function_WhoseCodeFailsToLoad_IsNotReadyWithItsLogInTheMessage()
    {
        var broken = DotnetFunction("broken", "DotnetTest::DotnetTest.DoesNotExist::Handle");
        using var created = await Admin.PostAsync(Functions, Json(broken));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var ready = await WaitForConditionAsync("broken", c => c.Status == "False", TimeSpan.FromSeconds(60));

        Assert.Contains("DoesNotExist", ready.Message, StringComparison.Ordinal);
    }

    private async Task<V1Condition> WaitForConditionAsync(string name, Func<V1Condition, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        V1Condition? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Admin.GetAsync(Functions + "/" + name);
            var function = ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
            last = function.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
            if (last is not null && predicate(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"condition not reached; last Ready: {last?.Status} {last?.Reason} {last?.Message}\n{_fixture.Platform.Output}");
    }

    internal static Function NodeFunction(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new FunctionSpec
        {
            Runtime = RuntimeNames.Node,
            Source = new FunctionSource { Path = Path.Combine(RepoPaths.Root, "tests", "testassets", "functions", "never-started") },
            Scale = new ScaleSpec { InitialScale = 0 },
        },
    };

    internal static Function DotnetFunction(string name, string handler) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new FunctionSpec
        {
            Runtime = RuntimeNames.Dotnet,
            Handler = handler,
            Source = new FunctionSource { Path = RepoPaths.Built("testassets", "functions", "dotnet-test") },
        },
    };

    /// <summary>Reads the Function and replaces it with <c>spec.timeoutSeconds</c> set: what was sent, and the answer.</summary>
    private async Task<(Function Sent, HttpResponseMessage Response)> ReplaceTimeoutAsync(string name, int timeoutSeconds)
    {
        using var current = await Admin.GetAsync(Functions + "/" + name);
        var fresh = ResourceJson.Deserialize<Function>(await current.Content.ReadAsStringAsync());
        fresh.Spec.TimeoutSeconds = timeoutSeconds;
        return (fresh, await Admin.PutAsync(Functions + "/" + name, Json(fresh)));
    }

    private static StringContent Json(object value, string mediaType = "application/json")
    {
        var content = new StringContent(ResourceJson.Serialize(value), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}
