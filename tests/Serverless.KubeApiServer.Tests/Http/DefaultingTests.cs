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
            """{"containerConcurrency":0,"maxScale":0,"metric":"concurrency","minScale":0}""",
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
        Assert.Null(scale["initialScale"]); // the platform's initial-scale decides, as its target default does
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

    // v1.32's SetDefaults_HorizontalPodAutoscaler, through the typed client the controller uses.
    [Theory]
    [InlineData("nothing given: minReplicas 1 and 80% CPU", null, false, 1, "cpu", 80)]
    [InlineData("given values kept", 3, true, 3, "memory", null)]
    public async Task Create_HorizontalPodAutoscaler_DefaultsMinReplicasAndMetricAsV132(
        string label, int? minReplicas, bool memoryMetric, int expectedMin, string expectedMetric, int? expectedUtilization)
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient("user");
        var hpa = new k8s.Models.V2HorizontalPodAutoscaler
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "h1" },
            Spec = new k8s.Models.V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new k8s.Models.V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "h1" },
                MinReplicas = minReplicas,
                MaxReplicas = 5,
                Metrics = memoryMetric
                    ? [new k8s.Models.V2MetricSpec
                    {
                        Type = "Resource",
                        Resource = new k8s.Models.V2ResourceMetricSource
                        {
                            Name = "memory",
                            Target = new k8s.Models.V2MetricTarget { Type = "AverageValue", AverageValue = new k8s.Models.ResourceQuantity("256Mi") },
                        },
                    }]
                    : null,
            },
        };

        var created = await k8s.AutoscalingV2OperationsExtensions.CreateNamespacedHorizontalPodAutoscalerAsync(client.AutoscalingV2, hpa, Namespace);

        Assert.True(expectedMin == created.Spec.MinReplicas, $"{label}: minReplicas {created.Spec.MinReplicas}");
        var metric = Assert.Single(created.Spec.Metrics);
        Assert.True(expectedMetric == metric.Resource.Name, $"{label}: metric {metric.Resource.Name}");
        Assert.True(expectedUtilization == metric.Resource.Target.AverageUtilization, $"{label}: utilization {metric.Resource.Target.AverageUtilization}");
        Assert.Null(created.Spec.Behavior); // defaulted only when given
    }
}
