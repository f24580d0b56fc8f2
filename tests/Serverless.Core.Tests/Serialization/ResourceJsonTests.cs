using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Core.Tests.Builders;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Serialization;

public sealed class ResourceJsonTests
{
    private static Function Sample() => TestFunctions.Function(
        "default",
        "hello",
        WithCreationTimestamp(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc)),
        WithLabel("app", "hello"),
        WithEnv("GREETING", "hi"),
        WithResources(new Dictionary<string, string> { ["cpu"] = "100m" }, new Dictionary<string, string> { ["memory"] = "128Mi" }),
        WithTimeoutSeconds(30),
        WithMinScale(1),
        WithTargetUtilization(0.5));

    [Fact]
    public void Serialize_Function_WritesApiVersionKindAndCamelCaseFields()
    {
        var json = JsonNode.Parse(ResourceJson.Serialize(Sample()))!.AsObject();

        Assert.Equal("serverless.dev/v1alpha1", (string?)json["apiVersion"]);
        Assert.Equal("Function", (string?)json["kind"]);
        Assert.Equal("hello", (string?)json["metadata"]!["name"]);
        Assert.Equal("default", (string?)json["metadata"]!["namespace"]);
        var spec = json["spec"]!.AsObject();
        Assert.Equal("node", (string?)spec["runtime"]);
        Assert.Equal("index.js:handle", (string?)spec["handler"]);
        Assert.Equal(TestFunctions.SourcePath, (string?)spec["source"]!["path"]);
        Assert.Equal("GREETING", (string?)spec["env"]![0]!["name"]);
        Assert.Equal(30, (int?)spec["timeoutSeconds"]);
        Assert.Equal(1, (int?)spec["scale"]!["minScale"]);
        Assert.Equal(0.5, (double?)spec["scale"]!["targetUtilization"]);
        Assert.Equal("100m", (string?)spec["resources"]!["requests"]!["cpu"]);
        Assert.Equal("128Mi", (string?)spec["resources"]!["limits"]!["memory"]);
    }

    [Fact]
    public void Serialize_Function_OmitsNulls()
    {
        var text = ResourceJson.Serialize(Sample());
        var json = JsonNode.Parse(text)!.AsObject();

        Assert.DoesNotContain("null", text, StringComparison.Ordinal);
        Assert.False(json.ContainsKey("status"));
        Assert.False(json["spec"]!.AsObject().ContainsKey("image"));
        Assert.False(json["spec"]!["scale"]!.AsObject().ContainsKey("maxScale"));
        Assert.False(json["spec"]!["source"]!.AsObject().ContainsKey("configMap"));
    }

    [Fact]
    public void Serialize_CreationTimestamp_IsRfc3339Utc()
    {
        var json = JsonNode.Parse(ResourceJson.Serialize(Sample()))!;

        Assert.Equal("2024-05-06T07:08:09Z", (string?)json["metadata"]!["creationTimestamp"]);
    }

    [Fact]
    public void Deserialize_SerializedFunction_RoundTrips()
    {
        var original = Sample();
        var text = ResourceJson.Serialize(original);

        var copy = ResourceJson.Deserialize<Function>(text);

        Assert.Equal(text, ResourceJson.Serialize(copy));
        Assert.Equal(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc), copy.Metadata.CreationTimestamp!.Value.ToUniversalTime());
        Assert.Equal("hi", copy.Spec.Env![0].Value);
        Assert.Equal(0.5, copy.Spec.Scale!.TargetUtilization);
    }

    [Fact]
    public void Deserialize_KubernetesStyleYamlAsJson_ReadsEveryField()
    {
        const string Text = """
            {
              "apiVersion": "serverless.dev/v1alpha1",
              "kind": "Function",
              "metadata": { "name": "hello", "namespace": "team-a", "creationTimestamp": "2024-01-02T03:04:05Z" },
              "spec": {
                "runtime": "python",
                "handler": "main:handle",
                "source": { "configMap": "hello-code" },
                "scale": { "minScale": 1, "maxScale": 5, "metric": "rps", "scaleToZeroGracePeriodSeconds": 10 }
              }
            }
            """;

        var fn = ResourceJson.Deserialize<Function>(Text);

        Assert.Equal(("hello", "team-a"), (fn.Metadata.Name, fn.Metadata.NamespaceProperty));
        Assert.Equal(("python", "main:handle", "hello-code"), (fn.Spec.Runtime, fn.Spec.Handler, fn.Spec.Source!.ConfigMap));
        Assert.Equal((1, 5, "rps", 10), (fn.Spec.Scale!.MinScale!.Value, fn.Spec.Scale.MaxScale!.Value, fn.Spec.Scale.Metric, fn.Spec.Scale.ScaleToZeroGracePeriodSeconds!.Value));
    }

    [Fact]
    public void Serialize_Trigger_RoundTripsWithCamelCaseFields()
    {
        var trigger = TestTriggers.Trigger(
            "default",
            "orders",
            TestTriggers.WithFilter("type", "dev.example.order"),
            TestTriggers.WithDelivery(d => { d.Retry = 2; d.BackoffDelay = "PT0.2S"; d.DeadLetterSink = new Destination { Uri = "http://127.0.0.1:9/dlq" }; }));

        var text = ResourceJson.Serialize(trigger);
        var json = JsonNode.Parse(text)!;

        Assert.Equal("Trigger", (string?)json["kind"]);
        Assert.Equal("dev.example.order", (string?)json["spec"]!["filter"]!["attributes"]!["type"]);
        Assert.Equal("PT0.2S", (string?)json["spec"]!["delivery"]!["backoffDelay"]);
        Assert.Equal("http://127.0.0.1:9/dlq", (string?)json["spec"]!["delivery"]!["deadLetterSink"]!["uri"]);
        Assert.Equal(text, ResourceJson.Serialize(ResourceJson.Deserialize<Trigger>(text)));
    }

    [Fact]
    public void Deserialize_Null_Throws()
    {
        Assert.Throws<JsonException>(() => ResourceJson.Deserialize<Function>("null"));
    }

    [Fact]
    public void Deserialize_MalformedQuantity_ThrowsJsonException()
    {
        const string Text = "{\"spec\":{\"resources\":{\"limits\":{\"cpu\":\"abc\"}}}}";

        Assert.Throws<JsonException>(() => ResourceJson.Deserialize<Function>(Text));
    }
}
