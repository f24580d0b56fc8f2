using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.KubeApiServer.Tests.Validation.Cel;

/// <summary>
/// <c>self</c> typed from the schema at the rule as the API server types it (apiserver/pkg/cel/common/schemas.go),
/// and values converted to that type.
/// </summary>
public sealed class CelSchemaTypeTests
{
    public static TheoryData<string, string, string, string, bool> Evaluated => new()
    {
        // label, schema, rule, self, expected
        { "integer is int", """{"type":"object","properties":{"n":{"type":"integer"}}}""", "self.n + 1 == 3", """{"n":2}""", true },
        { "int64 keeps its digits", """{"type":"object","properties":{"n":{"type":"integer","format":"int64"}}}""", "self.n == 9007199254740993", """{"n":9007199254740993}""", true },
        { "number is double, even written as 1", """{"type":"object","properties":{"u":{"type":"number"}}}""", "self.u == 1.0", """{"u":1}""", true },
        { "int-or-string holds an int", """{"type":"object","additionalProperties":{"x-kubernetes-int-or-string":true}}""", "type(self.cpu) == int", """{"cpu":2}""", true },
        { "int-or-string holds a string", """{"type":"object","additionalProperties":{"x-kubernetes-int-or-string":true}}""", "type(self.cpu) == string", """{"cpu":"2"}""", true },
        { "map of objects", """{"type":"object","additionalProperties":{"type":"object","properties":{"v":{"type":"string"}}}}""", "self.all(k, self[k].v == k)", """{"a":{"v":"a"}}""", true },
        { "list of objects", """{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}}""", "self.exists(e, e.name == 'b')", """[{"name":"a"},{"name":"b"}]""", true },
        { "absent field: has() is false", """{"type":"object","properties":{"a":{"type":"string"}}}""", "!has(self.a)", "{}", true },
        { "dashed names are escaped", """{"type":"object","properties":{"foo-bar":{"type":"string"}}}""", "self.foo__dash__bar == 'x'", """{"foo-bar":"x"}""", true },
        { "reserved words are escaped", """{"type":"object","properties":{"namespace":{"type":"string"}}}""", "self.__namespace__ == 'x'", """{"namespace":"x"}""", true },
        { "date-time is a timestamp", """{"type":"object","properties":{"t":{"type":"string","format":"date-time"}}}""", "self.t < timestamp('2030-01-01T00:00:00Z')", """{"t":"2024-05-01T10:00:00Z"}""", true },
        { "duration is a duration", """{"type":"object","properties":{"d":{"type":"string","format":"duration"}}}""", "self.d > duration('1s')", """{"d":"2s"}""", true },
        { "byte is bytes", """{"type":"object","properties":{"b":{"type":"string","format":"byte"}}}""", "self.b == b'abc'", """{"b":"YWJj"}""", true },
        { "preserved unknown fields are not reachable, the object is", """{"type":"object","x-kubernetes-preserve-unknown-fields":true}""", "type(self) != int", """{"any":1}""", true },
    };

    [Theory]
    [MemberData(nameof(Evaluated))]
    public void Evaluate_ValueOfTheSchema_HasTheKubernetesType(string label, string schema, string rule, string self, bool expected)
    {
        var program = CelEngine.Shared.Compile(JsonNode.Parse(schema)!.AsObject(), rule);
        Assert.True(program.CompileError is null, $"{label}: {program.CompileError}");

        var result = program.Evaluate(JsonNode.Parse(self));

        Assert.True(result.Error is null, $"{label}: {result.Error}");
        Assert.Equal(expected, result.Value);
    }

    public static TheoryData<string, string, string> NotCompiled => new()
    {
        // label, schema, rule
        { "a field the schema does not declare", """{"type":"object","properties":{"a":{"type":"string"}}}""", "self.b == 'x'" },
        { "a field of the wrong type", """{"type":"object","properties":{"a":{"type":"integer"}}}""", "self.a == 'x'" },
        { "preserved unknown fields", """{"type":"object","x-kubernetes-preserve-unknown-fields":true}""", "self.any == 1" },
        { "an array without items has no field", """{"type":"object","properties":{"l":{"type":"array"}}}""", "size(self.l) == 0" },
        { "metadata below the root is only what the schema says", """{"type":"object","properties":{"metadata":{"type":"object"}}}""", "self.metadata.name == 'a'" },
    };

    [Theory]
    [MemberData(nameof(NotCompiled))]
    public void Compile_RuleOutsideTheSchemaType_IsRefused(string label, string schema, string rule)
    {
        Assert.True(CelEngine.Shared.Compile(JsonNode.Parse(schema)!.AsObject(), rule).CompileError is not null, label);
    }

    [Fact]
    public void Compile_AtTheResourceRoot_ReadsTypeMetaAndNameEvenUndeclared()
    {
        var schema = JsonNode.Parse("""{"type":"object","properties":{"spec":{"type":"object"}}}""")!.AsObject();
        const string rule = "self.kind == 'Function' && self.apiVersion.startsWith('serverless.dev/') && self.metadata.name == 'a' && !has(self.metadata.generateName)";

        var program = CelEngine.Shared.Compile(schema, rule, isResourceRoot: true);

        Assert.Null(program.CompileError);
        var resource = JsonNode.Parse("""{"apiVersion":"serverless.dev/v1alpha1","kind":"Function","metadata":{"name":"a","namespace":"n","labels":{"x":"y"}},"spec":{}}""");
        Assert.True(program.Evaluate(resource).Passed);
        Assert.NotNull(CelEngine.Shared.Compile(schema, "self.metadata.namespace == 'n'", isResourceRoot: true).CompileError);
    }

    [Fact]
    public void Evaluate_TransitionRule_ComparesWithOldSelf()
    {
        var program = CelEngine.Shared.Compile(JsonNode.Parse("""{"type":"string"}""")!.AsObject(), "self == oldSelf");

        Assert.True(program.UsesOldSelf);
        Assert.True(program.Evaluate(JsonValue.Create("a"), JsonValue.Create("a")).Passed);
        Assert.False(program.Evaluate(JsonValue.Create("b"), JsonValue.Create("a")).Passed);
    }

    /// <summary>A spec-like object: nested object, map of int-or-string, list of objects, an int.</summary>
    private const string SpecSchema = """
        {"type":"object","properties":{
          "function":{"type":"string"},
          "source":{"type":"object","properties":{"configMap":{"type":"string"}}},
          "resources":{"type":"object","properties":{"limits":{"type":"object","additionalProperties":{"anyOf":[{"type":"integer"},{"type":"string"}],"x-kubernetes-int-or-string":true}}}},
          "env":{"type":"array","items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"value":{"type":"string"}}}},
          "timeoutSeconds":{"type":"integer"}}}
        """;

    private const string Spec = """{"function":"hello","source":{"configMap":"a"},"resources":{"limits":{"cpu":"1"}},"env":[{"name":"A","value":"1"}],"timeoutSeconds":30}""";

    public static TheoryData<string, string, bool> ObjectEquality => new()
    {
        // label, oldSelf, self == oldSelf
        { "the same object", Spec, true },
        { "the same fields in another order", """{"timeoutSeconds":30,"env":[{"value":"1","name":"A"}],"resources":{"limits":{"cpu":"1"}},"source":{"configMap":"a"},"function":"hello"}""", true },
        { "a nested object's field differs", Spec.Replace("\"configMap\":\"a\"", "\"configMap\":\"b\"", StringComparison.Ordinal), false },
        { "a list item's field differs", Spec.Replace("\"value\":\"1\"", "\"value\":\"2\"", StringComparison.Ordinal), false },
        { "a map value differs (int against string)", Spec.Replace("\"cpu\":\"1\"", "\"cpu\":1", StringComparison.Ordinal), false },
        { "a field set on one side only", Spec.Replace(",\"timeoutSeconds\":30", "", StringComparison.Ordinal), false },
        { "a list one item longer", Spec.Replace("[{\"name\":\"A\",\"value\":\"1\"}]", "[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\"}]", StringComparison.Ordinal), false },
    };

    /// <summary>
    /// CEL's <c>_==_</c> is declared for every type, objects too, and the API server accepts <c>self == oldSelf</c> on an
    /// object (the immutability rule of the Kubernetes blog's "Enforce CRD Immutability with CEL Transition Rules", and
    /// CRDs in use write it on a whole spec); the checker once refused it as "no such overload: Object == Object".
    /// </summary>
    [Theory]
    [MemberData(nameof(ObjectEquality))]
    public void Evaluate_ObjectTransitionRule_ComparesFieldByField(string label, string oldSelf, bool expected)
    {
        var schema = JsonNode.Parse(SpecSchema)!.AsObject();
        var equal = CelEngine.Shared.Compile(schema, "self == oldSelf");
        var differ = CelEngine.Shared.Compile(schema, "self.source != oldSelf.source || self != oldSelf");

        Assert.True(equal.CompileError is null, $"{label}: {equal.CompileError}");
        Assert.True(differ.CompileError is null, $"{label}: {differ.CompileError}");
        Assert.Equal(expected, equal.Evaluate(JsonNode.Parse(Spec), JsonNode.Parse(oldSelf)).Passed);
        Assert.Equal(!expected, differ.Evaluate(JsonNode.Parse(Spec), JsonNode.Parse(oldSelf)).Passed);
    }

    [Fact]
    public void Compile_ObjectComparedWithAnotherType_IsStillNoSuchOverload()
    {
        var program = CelEngine.Shared.Compile(JsonNode.Parse(SpecSchema)!.AsObject(), "self == 1");

        Assert.Contains("no such overload", program.CompileError, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AbsentFieldWithoutHas_IsNoSuchKey()
    {
        var program = CelEngine.Shared.Compile(JsonNode.Parse("""{"type":"object","properties":{"a":{"type":"string"}}}""")!.AsObject(), "self.a == 'x'");

        var result = program.Evaluate(new JsonObject());

        Assert.False(result.Passed);
        Assert.Contains("No such key", result.Error, StringComparison.OrdinalIgnoreCase);
    }
}
