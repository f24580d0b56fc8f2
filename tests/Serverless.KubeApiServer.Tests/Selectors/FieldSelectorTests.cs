using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Selectors;

namespace Serverless.KubeApiServer.Tests.Selectors;

public sealed class FieldSelectorTests
{
    private static readonly JsonObject Object = new() { ["metadata"] = new JsonObject { ["name"] = "a", ["namespace"] = "ns" } };

    [Theory]
    [InlineData("metadata.name=a", true)]
    [InlineData("metadata.name==a", true)]
    [InlineData("metadata.name=b", false)]
    [InlineData("metadata.name!=b", true)]
    [InlineData("metadata.namespace=ns,metadata.name=a", true)]
    [InlineData("metadata.namespace=other", false)]
    public void Matches_Term_Evaluates(string selector, bool expected)
    {
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(Object));
    }

    [Fact]
    public void Parse_UnsupportedField_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => FieldSelector.Parse("spec.nodeName=x"));
        Assert.Contains("spec.nodeName", error.Message);
    }
}
