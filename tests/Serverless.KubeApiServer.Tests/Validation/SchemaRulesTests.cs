using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;
using Serverless.KubeApiServer.Validation;

namespace Serverless.KubeApiServer.Tests.Validation;

/// <summary>The schema rules the shipped CRDs do not all exercise: nullable, preserved unknown fields, map defaults.</summary>
public sealed class SchemaRulesTests
{
    private static readonly StructuralSchema Schema = StructuralSchema.Parse(JsonNode.Parse("""
        {
          "type": "object",
          "properties": {
            "spec": {
              "type": "object",
              "properties": {
                "note": { "type": "string", "nullable": true },
                "count": { "type": "integer", "default": 3 },
                "size": { "type": "string" },
                "extra": { "type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": { "known": { "type": "string", "maxLength": 2 } } },
                "limits": { "type": "object", "additionalProperties": { "type": "object", "properties": { "max": { "type": "integer", "default": 9 } } } }
              }
            }
          }
        }
        """)!.AsObject());

    [Theory]
    [InlineData("""{"spec":{"note":null}}""", "")]
    [InlineData("""{"spec":{"size":7}}""", "FieldValueTypeInvalid@spec.size")]
    [InlineData("""{"spec":{"extra":{"anything":{"deep":1},"known":"abc"}}}""", "FieldValueTooLong@spec.extra.known")]
    public void Validate_Value_Errors(string json, string expected)
    {
        var errors = new List<FieldError>();

        SchemaValidator.Validate(JsonNode.Parse(json), Schema, "", errors);

        Assert.Equal(expected, string.Join(",", errors.Select(e => $"{e.Reason}@{e.Field}")));
    }

    [Fact]
    public void Prune_UnknownFields_DroppedUnlessPreserved()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v","kind":"K","metadata":{"name":"a","bogus":1},"spec":{"x":1,"extra":{"kept":true}},"top":1}""")!.AsObject();
        var pruned = new List<string>();

        SchemaPruner.Prune(obj, Schema, pruned);

        Assert.Equal(["metadata.bogus", "spec.x", "top"], pruned.Order(StringComparer.Ordinal));
        Assert.True(obj["spec"]!["extra"]!["kept"]!.GetValue<bool>());
        Assert.Equal("a", obj["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Default_NullWithDefaultAndMapValues_Filled()
    {
        var obj = JsonNode.Parse("""{"spec":{"count":null,"size":null,"limits":{"cpu":{}}}}""");

        SchemaDefaulter.Default(obj, Schema);

        Assert.Equal(3, obj!["spec"]!["count"]!.GetValue<int>());
        Assert.False(obj["spec"]!.AsObject().ContainsKey("size"));
        Assert.Equal(9, obj["spec"]!["limits"]!["cpu"]!["max"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("", "<nil>")]
    [InlineData("spec", "spec")]
    public void Render_Path_AsTheServerPrintsIt(string path, string expected)
    {
        Assert.Equal(expected, FieldError.Render(path));
    }

    [Theory]
    [InlineData("spec", ".handler", "spec.handler")]
    [InlineData("", ".metadata.name", "metadata.name")]
    [InlineData("spec.resources", ".limits['cpu']", "spec.resources.limits[cpu]")]
    [InlineData("spec", null, "spec")]
    public void Below_RuleFieldPath_JoinsTheRulesLocation(string path, string? fieldPath, string expected)
    {
        Assert.Equal(expected, FieldPaths.Below(path, fieldPath));
    }
}
