using System.Text.Json.Nodes;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>Schema defaults are filled in on the way in, including inside a default that was just filled in.</summary>
public sealed class DefaultingTests
{
    [Fact]
    public async Task Create_NoScale_FillsScaleAndTimeoutDefaults()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var created = (await api.PostAsync(RawApi.Functions, Function("x1"))).Json!;

        Assert.Equal(300, created["spec"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.Equal(
            """{"containerConcurrency":0,"initialScale":1,"maxScale":0,"metric":"concurrency","minScale":0}""",
            Sorted(created["spec"]!["scale"]!).ToJsonString());
    }

    [Fact]
    public async Task Create_PartialScale_KeepsGivenValuesAndFillsTheRest()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var created = (await api.PostAsync(RawApi.Functions, Function("x1", new JsonObject { ["scale"] = new JsonObject { ["minScale"] = 2, ["target"] = 10 } }))).Json!;

        var scale = created["spec"]!["scale"]!;
        Assert.Equal(2, scale["minScale"]!.GetValue<int>());
        Assert.Equal(10, scale["target"]!.GetValue<int>());
        Assert.Equal(1, scale["initialScale"]!.GetValue<int>());
        Assert.Null(scale["scaleToZeroGracePeriodSeconds"]);
    }

    [Fact]
    public async Task Create_TriggerWithoutBroker_DefaultsBrokerAndReferenceKind()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var trigger = new JsonObject
        {
            ["apiVersion"] = "serverless.dev/v1alpha1",
            ["kind"] = "Trigger",
            ["metadata"] = new JsonObject { ["name"] = "t1" },
            ["spec"] = new JsonObject { ["subscriber"] = new JsonObject { ["ref"] = new JsonObject { ["name"] = "hello" } } },
        };

        var created = (await api.PostAsync("apis/serverless.dev/v1alpha1/namespaces/default/triggers", trigger)).Json!;

        Assert.Equal("default", created["spec"]!["broker"]!.GetValue<string>());
        Assert.Equal("Function", created["spec"]!["subscriber"]!["ref"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetObject_DefaultedNumbers_ReadAsAnyFittingType()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var stored = server.GetObject(ResourceTypes.Functions, Namespace, "x1")!;

        Assert.Equal(300, stored["spec"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.Equal(300L, stored["spec"]!["timeoutSeconds"]!.GetValue<long>());
    }

    private static JsonNode Sorted(JsonNode node) =>
        new JsonObject(node.AsObject().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
}
