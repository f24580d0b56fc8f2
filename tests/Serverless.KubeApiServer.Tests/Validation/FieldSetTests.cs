using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Fields;

namespace Serverless.KubeApiServer.Tests.Validation;

/// <summary>FieldsV1, the encoding of managed field sets: members with children carry ".".</summary>
public sealed class FieldSetTests
{
    [Fact]
    public void FieldsV1_RoundTrip_KeepsMembersAndDots()
    {
        const string fields = """{"f:metadata":{"f:finalizers":{".":{},"v:\"a/b\"":{}}},"f:spec":{".":{},"f:image":{},"f:scale":{".":{},"f:minScale":{}}},"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{}}}}}""";

        var set = FieldSet.FromFieldsV1(JsonNode.Parse(fields)!.AsObject());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(fields), set.ToFieldsV1()), set.ToFieldsV1().ToJsonString());
        Assert.True(set.Contains(["f:spec"]));
        Assert.False(set.Contains(["f:metadata"]));
        Assert.True(set.ContainsAtOrBelow(["f:metadata"]));
    }

    [Fact]
    public void Except_RemovedLeaf_LeavesItsParent()
    {
        var set = FieldSet.FromPaths([["f:spec"], ["f:spec", "f:a"], ["f:spec", "f:b"]]);

        var rest = set.Except(FieldSet.FromPaths([["f:spec", "f:a"]]));

        Assert.Equal("""{"f:spec":{".":{},"f:b":{}}}""", rest.ToFieldsV1().ToJsonString());
    }

    [Theory]
    [InlineData(new[] { "f:spec", "f:timeoutSeconds" }, ".spec.timeoutSeconds")]
    [InlineData(new[] { "f:status", "f:conditions", "k:{\"type\":\"Ready\"}", "f:status" }, ".status.conditions[type=\"Ready\"].status")]
    [InlineData(new[] { "f:metadata", "f:finalizers", "v:\"x\"" }, ".metadata.finalizers[=\"x\"]")]
    public void Display_Path_AsConflictsNameIt(string[] path, string expected)
    {
        Assert.Equal(expected, ObjectFields.Display(path));
    }
}
