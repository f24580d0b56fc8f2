using System.Text.Json.Nodes;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Core.Tests.Validation;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>
/// The table rows of the conformance tests, as (label, kind, JSON) with the JSON a client would send. Most rows
/// are core's own validation cases (the public TheoryData of tests/Serverless.Core.Tests/Validation), applied to
/// the same valid base objects core's builders use; the rest are shapes only JSON can carry (wrong types,
/// out-of-range numbers, unknown fields).
/// </summary>
internal static class SpecCases
{
    /// <summary>As core's TestFunctions.Function: a valid node function with a local source path.</summary>
    public static Function BaseFunction() => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "hello" },
        Spec = new FunctionSpec
        {
            Runtime = RuntimeNames.Node,
            Handler = "index.js:handle",
            Source = new FunctionSource { Path = "/srv/functions/hello" },
        },
    };

    /// <summary>As core's TestTriggers.Trigger: subscribes Function "hello" on broker "default".</summary>
    public static Trigger BaseTrigger() => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "orders" },
        Spec = new TriggerSpec
        {
            Broker = "default",
            Subscriber = new Destination
            {
                Ref = new DestinationRef { Kind = Function.KindName, ApiVersion = ApiGroup.ApiVersion, Name = "hello", Namespace = "default" },
            },
        },
    };

    public static Broker BaseBroker() => new() { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "default" } };

    /// <summary>Core's Function cases: label, then the JSON (null when the object has no JSON form, e.g. a NaN).</summary>
    public static IEnumerable<(string Label, string? Json)> CoreFunctionCases()
    {
        foreach (var row in FunctionValidatorTests.ValidFunctions)
        {
            yield return FunctionCase("FunctionValidator valid: " + row[0], (Action<Function>)row[1]);
        }

        foreach (var row in FunctionValidatorTests.InvalidFunctions)
        {
            yield return FunctionCase("FunctionValidator invalid: " + row[0], (Action<Function>)row[1]);
        }

        foreach (var row in ScaleValidationTests.Cases)
        {
            yield return FunctionCase("Scale: " + row[0], (Action<Function>[])row[1]);
        }

        foreach (var row in HandlerValidationTests.Handlers)
        {
            yield return FunctionCase("Handler: " + row[0], fn => (fn.Spec.Runtime, fn.Spec.Handler) = ((string)row[1], (string)row[2]));
        }

        foreach (var row in ImageValidationTests.Images)
        {
            yield return FunctionCase("Image: " + row[0], fn => fn.Spec.Image = (string)row[1]);
        }

        foreach (var row in EnvValidationTests.Entries)
        {
            yield return FunctionCase("Env: " + row[0], fn => fn.Spec.Env = [new EnvVar { Name = (string)row[1], Value = (string?)row[2] }]);
        }

        foreach (var row in SourceValidationTests.Paths)
        {
            yield return FunctionCase("Source path: " + row[0], fn => fn.Spec.Source = new FunctionSource { Path = (string)row[1] });
        }

        foreach (var row in SourceValidationTests.ConfigMaps)
        {
            yield return FunctionCase("Source configMap: " + row[0], fn => fn.Spec.Source = new FunctionSource { ConfigMap = (string)row[1] });
        }

        foreach (var row in ResourcesValidationTests.Cases)
        {
            yield return FunctionCase("Resources: " + row[0], fn => fn.Spec.Resources = new V1ResourceRequirements
            {
                Requests = Quantities((Dictionary<string, string>?)row[1]),
                Limits = Quantities((Dictionary<string, string>?)row[2]),
            });
        }

        foreach (var row in MetadataValidationTests.Names)
        {
            yield return FunctionCase("Metadata name: " + row[0], fn => fn.Metadata.Name = (string?)row[1]);
        }

        foreach (var row in TrafficValidationTests.Cases)
        {
            yield return FunctionCase("Traffic: " + row[0], (Action<Function>[])row[1]);
        }

        foreach (var row in MetadataValidationTests.Labels)
        {
            yield return FunctionCase("Metadata labels: " + row[0], fn => fn.Metadata.Labels = new Dictionary<string, string> { [(string)row[1]] = (string)row[2] });
        }
    }

    public static IEnumerable<(string Label, string? Json)> CoreTriggerCases()
    {
        foreach (var row in TriggerValidatorTests.Cases)
        {
            yield return TriggerCase("Trigger: " + row[0], (Action<Trigger>[])row[1]);
        }

        foreach (var row in TriggerValidatorTests.Deliveries)
        {
            var configure = (Action<DeliverySpec>)row[1];
            yield return TriggerCase("Trigger delivery: " + row[0], [t => configure(t.Spec.Delivery ??= new DeliverySpec())]);
        }

        foreach (var row in TriggerValidatorTests.FilterDialects)
        {
            yield return TriggerCase("Trigger filters: " + row[0], [(Action<Trigger>)row[1]]);
        }
    }

    public static IEnumerable<(string Label, string? Json)> CoreBrokerCases()
    {
        foreach (var row in BrokerValidatorTests.Names)
        {
            yield return Resource("Broker names: " + row[0], BaseBroker(), [b =>
            {
                b.Metadata.NamespaceProperty = (string?)row[1];
                b.Metadata.Name = (string?)row[2];
            }]);
        }

        // Brokers carry the same delivery spec as Triggers, validated by the same core code.
        foreach (var row in TriggerValidatorTests.Deliveries)
        {
            var configure = (Action<DeliverySpec>)row[1];
            yield return Resource("Broker delivery: " + row[0], BaseBroker(), [b => configure(b.Spec.Delivery ??= new DeliverySpec())]);
        }
    }

    /// <summary>The rows that have a JSON form, as theory data (label, JSON).</summary>
    public static TheoryData<string, string> AsTheory(IEnumerable<(string Label, string? Json)> cases)
    {
        var data = new TheoryData<string, string>();
        foreach (var (label, json) in cases.Where(c => c.Json is not null))
        {
            data.Add(label, json!);
        }

        return data;
    }

    public static string FunctionJson(params Action<Function>[] options) => FunctionCase("", options).Json!;

    public static string TriggerJson(params Action<Trigger>[] options) => TriggerCase("", options).Json!;

    /// <summary>A JSON object patched at a path ("spec.scale.minScale") with raw JSON, for shapes the typed API cannot hold.</summary>
    public static string WithRaw(string json, string path, string rawValue)
    {
        var root = JsonNode.Parse(json)!;
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = node[part] ??= new JsonObject();
        }

        node[parts[^1]] = JsonNode.Parse(rawValue);
        return root.ToJsonString();
    }

    private static (string Label, string? Json) FunctionCase(string label, params Action<Function>[] options) => Resource(label, BaseFunction(), options);

    private static (string Label, string? Json) TriggerCase(string label, Action<Trigger>[] options) => Resource(label, BaseTrigger(), options);

    private static (string Label, string? Json) Resource<T>(string label, T resource, Action<T>[] options)
        where T : class
    {
        foreach (var option in options)
        {
            option(resource);
        }

        try
        {
            return (label, ResourceJson.Serialize(resource));
        }
        catch (ArgumentException)
        {
            // System.Text.Json refuses NaN and infinities: such a value cannot reach the API server at all.
            return (label, null);
        }
    }

    private static Dictionary<string, ResourceQuantity>? Quantities(Dictionary<string, string>? values) =>
        values?.ToDictionary(kv => kv.Key, kv => new ResourceQuantity(kv.Value));
}
