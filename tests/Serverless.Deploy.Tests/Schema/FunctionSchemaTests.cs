using System.Text.Json.Nodes;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;
using Serverless.Core.Validation;
using static Serverless.Deploy.Tests.Schema.SpecCases;

namespace Serverless.Deploy.Tests.Schema;

public sealed class FunctionSchemaTests
{
    private static readonly string Base = FunctionJson();

    public static TheoryData<string, string> CoreCases => AsTheory(CoreFunctionCases());

    [Theory]
    [MemberData(nameof(CoreCases))]
    public void Schema_CoreValidationCase_GivesCoreVerdict(string label, string json) =>
        Conformance.AssertSameVerdict(label, Function.KindName, json);

    public static TheoryData<string> ReservedNames => new(ReservedEnvironment.Names);

    /// <summary>The CRD's rule and core refuse the same names (issue #14: INSTANCE_ID was accepted, then overwritten).</summary>
    [Theory]
    [MemberData(nameof(ReservedNames))]
    public void Schema_ReservedEnvName_GivesCoreVerdict(string name) =>
        Conformance.AssertSameVerdict("reserved " + name, Function.KindName, WithRaw(Base, "spec.env", $$"""[{"name":"{{name}}","value":"x"}]"""));

    public static TheoryData<string, string> JsonShapes => new()
    {
        // Shapes only JSON can carry: a typed client could never send them, kubectl and curl can.
        { "timeoutSeconds as a string", WithRaw(Base, "spec.timeoutSeconds", "\"300\"") },
        { "timeoutSeconds as a fraction", WithRaw(Base, "spec.timeoutSeconds", "30.5") },
        { "minScale as a fraction", WithRaw(Base, "spec.scale.minScale", "1.5") },
        { "maxScale beyond int32", WithRaw(Base, "spec.scale.maxScale", "3000000000") },
        { "target beyond int32", WithRaw(Base, "spec.scale.target", "-3000000000") },
        { "targetUtilization as a string", WithRaw(Base, "spec.scale.targetUtilization", "\"0.7\"") },
        { "targetUtilization 0.5", WithRaw(Base, "spec.scale.targetUtilization", "0.5") },
        { "runtime as a number", WithRaw(Base, "spec.runtime", "1") },
        { "env as an object", WithRaw(Base, "spec.env", """{"name":"A","value":"1"}""") },
        { "env entry without a name", WithRaw(Base, "spec.env", """[{"value":"1"}]""") },
        { "env duplicate names", WithRaw(Base, "spec.env", """[{"name":"A","value":"1"},{"name":"A","value":"2"}]""") },
        { "env reserved prefix", WithRaw(Base, "spec.env", """[{"name":"SERVERLESS_TOKEN","value":"x"}]""") },
        { "env value with NUL", WithRaw(Base, "spec.env", """[{"name":"A","value":"a\u0000b"}]""") },
        { "env value of 11000 euro signs (33000 bytes, 11000 characters)", WithRaw(Base, "spec.env", $$"""[{"name":"A","value":"{{new string('€', 11_000)}}"}]""") },
        { "env value of 32769 ASCII characters", WithRaw(Base, "spec.env", $$"""[{"name":"A","value":"{{new string('a', 32_769)}}"}]""") },
        { "resources: an unsupported resource", WithRaw(Base, "spec.resources", """{"requests":{"nvidia.com/gpu":"1"}}""") },
        { "resources: zero cpu", WithRaw(Base, "spec.resources", """{"requests":{"cpu":"0"}}""") },
        { "resources: zero cpu as a number", WithRaw(Base, "spec.resources", """{"requests":{"cpu":0}}""") },
        { "resources: negative memory", WithRaw(Base, "spec.resources", """{"limits":{"memory":"-1Gi"}}""") },
        { "resources: not a quantity", WithRaw(Base, "spec.resources", """{"limits":{"memory":"lots"}}""") },
        { "resources: limit below request in other units", WithRaw(Base, "spec.resources", """{"requests":{"cpu":"500m"},"limits":{"cpu":"0.25"}}""") },
        { "resources: limit equal to request in other units", WithRaw(Base, "spec.resources", """{"requests":{"memory":"1Gi"},"limits":{"memory":"1024Mi"}}""") },
        { "resources: claims", WithRaw(Base, "spec.resources", """{"claims":[{"name":"gpu"}]}""") },
        { "an unknown spec field is pruned", WithRaw(Base, "spec.replicas", "3") },
        { "scale null", WithRaw(Base, "spec.scale", "null") },
        { "source null and no image", WithRaw(Base, "spec.source", "null") },
        { "both path and configMap", WithRaw(Base, "spec.source", """{"path":"/srv/a","configMap":"a"}""") },
        { "no spec at all", WithRaw(Base, "spec", "null") },
        { "name with a dot (a subdomain, not a label)", WithRaw(Base, "metadata.name", "\"hello.world\"") },
        { "name with 64 characters", WithRaw(Base, "metadata.name", $"\"{new string('a', 64)}\"") },
        { "image with upper-case repository", WithRaw(Base, "spec.image", "\"Registry.example.com/Team/app\"") },
        { "handler with a trailing newline", WithRaw(Base, "spec.handler", "\"index.js:handle\\n\"") },
        { "path with a trailing newline", WithRaw(Base, "spec.source", """{"path":"/srv/a\n"}""") },
        { "annotation key with a space (the API server's ObjectMeta check)", WithRaw(Base, "metadata.annotations", """{"bad key":"v"}""") },
        { "empty handler for dotnet (no default to fill in)", WithRaw(WithRaw(Base, "spec.runtime", "\"dotnet\""), "spec.handler", "\"\"") },
        { "empty handler, image only", WithRaw(WithRaw(WithRaw(Base, "spec.runtime", "null"), "spec.image", "\"app:1\""), "spec.handler", "\"\"") },
        { "empty handler for python (defaulted)", WithRaw(WithRaw(Base, "spec.runtime", "\"python\""), "spec.handler", "\"\"") },
        { "python handler, no source, image set", WithRaw(WithRaw(Base, "spec.runtime", "\"python\""), "spec.image", "\"app:1\"") },
    };

    [Theory]
    [MemberData(nameof(JsonShapes))]
    public void Schema_JsonShape_GivesCoreVerdict(string label, string json) =>
        Conformance.AssertSameVerdict(label, Function.KindName, json);

    public static TheoryData<string, string, string> SchemaStricter => new()
    {
        { "env name of 257 characters", WithRaw(Base, "spec.env", $$"""[{"name":"{{new string('A', 257)}}","value":"1"}]"""), "maxLength 256 bounds the cost of the reserved-name rule" },
    };

    [Theory]
    [MemberData(nameof(SchemaStricter))]
    public void Schema_DeliberatelyStricter_RefusesWhatCoreAccepts(string label, string json, string why)
    {
        var outcome = Conformance.Run(Function.KindName, json);

        Assert.True(outcome.Core.Count == 0, $"{label}: core should accept\n{outcome}");
        Assert.True(outcome.Schema.Count > 0, $"{label} ({why}): the schema should refuse\n{outcome}");
    }

    [Fact]
    public void Schema_Defaults_EqualCoreDefaults()
    {
        var minimal = JsonNode.Parse(Base)!;
        var fromSchema = CrdSchemas.For(Function.KindName).Default(minimal);
        var fromCore = ResourceJson.Deserialize<Function>(Base);
        FunctionDefaults.Apply(fromCore);

        var schemaSpec = fromSchema["spec"]!;
        Assert.Equal(fromCore.Spec.TimeoutSeconds, (long?)schemaSpec["timeoutSeconds"]);
        Assert.Equal(fromCore.Spec.Scale!.MinScale, (long?)schemaSpec["scale"]!["minScale"]);
        Assert.Equal(fromCore.Spec.Scale.MaxScale, (long?)schemaSpec["scale"]!["maxScale"]);

        // Unset in both, so that the autoscaler's initial-scale applies on either backend (issue #18).
        Assert.Null(fromCore.Spec.Scale.InitialScale);
        Assert.Null(schemaSpec["scale"]!["initialScale"]);
        Assert.Equal(fromCore.Spec.Scale.ContainerConcurrency, (long?)schemaSpec["scale"]!["containerConcurrency"]);
        Assert.Equal(fromCore.Spec.Scale.Metric, (string?)schemaSpec["scale"]!["metric"]);
        // Left to the autoscaler's global configuration in both: see ScaleDefaults.
        Assert.Null(schemaSpec["scale"]!["target"]);
        Assert.Null(fromCore.Spec.Scale.Target);
    }

    [Fact]
    public void CoreCases_WithoutJsonForm_AreOnlyTheNaNRow()
    {
        var unrepresentable = CoreFunctionCases().Where(c => c.Json is null).Select(c => c.Label);

        Assert.Equal(["Scale: utilization NaN"], unrepresentable);
    }
}
