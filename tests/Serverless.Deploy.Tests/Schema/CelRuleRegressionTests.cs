using System.Text.Json.Nodes;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>Defects a real API server found in the CRDs' rules (issue #20), held by the CEL engine.</summary>
public sealed class CelRuleRegressionTests
{
    [Fact]
    public void QuantityRule_SignAsAMember_IsRefusedAsKubernetesRefusedIt()
    {
        // kube-apiserver v1.32: "found no matching overload for 'sign' applied to 'kubernetes.Quantity.()'".
        var requests = CrdSchemas.SchemaAt(Function.KindName, ".spec.resources.requests");

        var program = CelEngine.Shared.Compile(requests, "self.all(k, isQuantity(string(self[k])) && quantity(string(self[k])).sign() == 1)");

        Assert.NotNull(program.CompileError);
        Assert.Contains("found no matching overload", program.CompileError, StringComparison.Ordinal);
        Assert.Contains("sign", program.CompileError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("100m", true)]
    [InlineData("1Gi", true)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    [InlineData("1.5.5", false)]
    public void QuantityRule_AsShipped_AcceptsOnlyPositiveQuantities(string quantity, bool accepted)
    {
        var requests = CrdSchemas.SchemaAt(Function.KindName, ".spec.resources.requests");
        var rule = CrdSchemas.AllRules().Single(r => r.Kind == Function.KindName && r.Location == ".spec.resources.requests" && r.Rule.Contains("sign", StringComparison.Ordinal)).Rule;

        var result = CelEngine.Shared.Compile(requests, rule).Evaluate(new JsonObject { ["cpu"] = quantity });

        Assert.Equal(accepted, result.Passed);
    }

    public static TheoryData<string, string> ValidResources => new()
    {
        { Function.KindName, ResourceJson.Serialize(SpecCases.BaseFunction()) },
        { Broker.KindName, ResourceJson.Serialize(SpecCases.BaseBroker()) },
        { Trigger.KindName, ResourceJson.Serialize(SpecCases.BaseTrigger()) },
    };

    [Theory]
    [MemberData(nameof(ValidResources))]
    public void NameRule_Violation_IsReportedAtMetadataName(string kind, string json)
    {
        // Without the rule's fieldPath the server reported this at "<nil>".
        var resource = JsonNode.Parse(json)!;
        Assert.Empty(CrdSchemas.For(kind).Validate(resource));
        resource["metadata"]!["name"] = "a.b";

        var error = Assert.Single(CrdSchemas.For(kind).Validate(resource));

        Assert.Equal("metadata.name", error.Path);
        Assert.Contains("RFC 1123 label", error.Message, StringComparison.Ordinal);
    }
}
