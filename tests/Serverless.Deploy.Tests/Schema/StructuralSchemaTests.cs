using System.Text.Json.Nodes;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>The validator itself, keyword by keyword, so a conformance verdict can be trusted.</summary>
public sealed class StructuralSchemaTests
{
    public static TheoryData<string, string, string, bool> Cases => new()
    {
        // label, schema, value, valid
        { "type integer", """{"type":"integer"}""", "3", true },
        { "type integer refuses a fraction", """{"type":"integer"}""", "3.5", false },
        { "type integer refuses a string", """{"type":"integer"}""", "\"3\"", false },
        { "type number takes an integer", """{"type":"number"}""", "3", true },
        { "type string", """{"type":"string"}""", "\"a\"", true },
        { "type boolean refuses a string", """{"type":"boolean"}""", "\"true\"", false },
        { "enum", """{"type":"string","enum":["a","b"]}""", "\"b\"", true },
        { "enum refuses others", """{"type":"string","enum":["a","b"]}""", "\"c\"", false },
        { "minimum inclusive", """{"type":"integer","minimum":1}""", "1", true },
        { "minimum", """{"type":"integer","minimum":1}""", "0", false },
        { "exclusiveMinimum", """{"type":"number","minimum":0,"exclusiveMinimum":true}""", "0", false },
        { "maximum", """{"type":"integer","maximum":10}""", "11", false },
        { "maxLength counts code points", """{"type":"string","maxLength":2}""", "\"😀😀\"", true },
        { "maxLength", """{"type":"string","maxLength":2}""", "\"abc\"", false },
        { "minLength", """{"type":"string","minLength":1}""", "\"\"", false },
        { "pattern is a search", """{"type":"string","pattern":"b"}""", "\"abc\"", true },
        { "pattern $ is the very end", """{"type":"string","pattern":"^a$"}""", "\"a\\n\"", false },
        { "required", """{"type":"object","required":["a"],"properties":{"a":{"type":"string"}}}""", "{}", false },
        { "required null is absent", """{"type":"object","required":["a"],"properties":{"a":{"type":"string"}}}""", """{"a":null}""", false },
        { "unknown fields are pruned", """{"type":"object","properties":{"a":{"type":"string"}}}""", """{"b":1}""", true },
        { "additionalProperties", """{"type":"object","additionalProperties":{"type":"string"}}""", """{"x":1}""", false },
        { "minProperties", """{"type":"object","minProperties":1,"additionalProperties":{"type":"string"}}""", "{}", false },
        { "minProperties counts after pruning", """{"type":"object","minProperties":1,"properties":{"a":{"type":"string"}}}""", """{"b":"x"}""", false },
        { "maxProperties", """{"type":"object","maxProperties":1,"additionalProperties":{"type":"string"}}""", """{"x":"1","y":"2"}""", false },
        { "items", """{"type":"array","items":{"type":"integer"}}""", "[1,\"2\"]", false },
        { "maxItems", """{"type":"array","maxItems":1,"items":{"type":"integer"}}""", "[1,2]", false },
        { "list-type map duplicates", """{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["n"],"items":{"type":"object","required":["n"],"properties":{"n":{"type":"string"}}}}""", """[{"n":"a"},{"n":"a"}]""", false },
        { "list-type set duplicates", """{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}""", """["a","a"]""", false },
        { "int-or-string takes a string", """{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}""", "\"1Gi\"", true },
        { "int-or-string takes an integer", """{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}""", "2", true },
        { "int-or-string refuses a boolean", """{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}""", "true", false },
        { "oneOf exactly one", """{"type":"integer","oneOf":[{"minimum":5},{"maximum":2}]}""", "6", true },
        { "oneOf none", """{"type":"integer","oneOf":[{"minimum":5},{"maximum":2}]}""", "3", false },
        { "preserve-unknown-fields keeps anything", """{"type":"object","x-kubernetes-preserve-unknown-fields":true}""", """{"any":[1]}""", true },
        { "default fills before validation", """{"type":"object","properties":{"s":{"type":"object","default":{},"required":["n"],"properties":{"n":{"type":"integer","default":1}}}}}""", "{}", true },
        { "CEL rule", """{"type":"object","x-kubernetes-validations":[{"rule":"has(self.ref) != has(self.uri)"}],"properties":{"ref":{"type":"object"},"uri":{"type":"string"}}}""", """{"ref":{},"uri":"x"}""", false },
        { "CEL rule holds", """{"type":"object","x-kubernetes-validations":[{"rule":"has(self.ref) != has(self.uri)"}],"properties":{"ref":{"type":"object"},"uri":{"type":"string"}}}""", """{"uri":"x"}""", true },
        { "CEL evaluation error fails the rule", """{"type":"object","x-kubernetes-validations":[{"rule":"self.a > 0"}],"properties":{"a":{"type":"integer"}}}""", "{}", false },
        { "CEL int-or-string is an int", """{"type":"object","x-kubernetes-validations":[{"rule":"self.all(k, type(self[k]) == int)"}],"additionalProperties":{"x-kubernetes-int-or-string":true}}""", """{"cpu":2}""", true },
        { "CEL int-or-string is a string", """{"type":"object","x-kubernetes-validations":[{"rule":"self.all(k, type(self[k]) == int)"}],"additionalProperties":{"x-kubernetes-int-or-string":true}}""", """{"cpu":"2"}""", false },
        { "CEL number is a double", """{"type":"object","x-kubernetes-validations":[{"rule":"self.u < 1.0"}],"properties":{"u":{"type":"number"}}}""", """{"u":1}""", false },
        { "CEL sees defaults", """{"type":"object","x-kubernetes-validations":[{"rule":"self.n == 1"}],"properties":{"n":{"type":"integer","default":1}}}""", "{}", true },
        { "CEL root reads metadata.name", """{"type":"object","x-kubernetes-validations":[{"rule":"self.metadata.name.startsWith('a')"}],"properties":{"metadata":{"type":"object"}}}""", """{"metadata":{"name":"b"}}""", false },
        { "CEL transition rule waits for an update", """{"type":"string","x-kubernetes-validations":[{"rule":"self == oldSelf"}]}""", "\"a\"", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_Keyword_BehavesAsTheApiServer(string label, string schema, string value, bool valid)
    {
        var errors = new StructuralSchema((JsonObject)JsonNode.Parse(schema)!).Validate(JsonNode.Parse(value)!);

        Assert.True(valid == (errors.Count == 0), $"{label}: [{string.Join("; ", errors)}]");
    }

    [Fact]
    public void Validate_UnknownKeyword_Throws()
    {
        var schema = new StructuralSchema((JsonObject)JsonNode.Parse("""{"type":"string","format":"email","uniqueItems":true}""")!);

        Assert.Throws<NotSupportedException>(() => schema.Validate(JsonValue.Create("a")));
    }

    [Fact]
    public void Validate_RuleThatDoesNotCompile_Throws()
    {
        // The API server refuses such a CRD; a conformance table must never read it as "the schema accepts".
        var schema = new StructuralSchema((JsonObject)JsonNode.Parse("""{"type":"string","x-kubernetes-validations":[{"rule":"quantity(self).sign() == 1"}]}""")!);

        var thrown = Assert.Throws<NotSupportedException>(() => schema.Validate(JsonValue.Create("1")));
        Assert.Contains("found no matching overload", thrown.Message, StringComparison.Ordinal);
    }
}
