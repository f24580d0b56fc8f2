using System.Text.Json.Nodes;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Deploy.Tests.Schema;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>The CRDs' names, subresources and columns, and that their schemas are structural and fully tested.</summary>
public sealed class CrdDefinitionTests
{
    private static V1CustomResourceDefinition Crd(string kind) =>
        Assert.Single(TypedManifests.OfType<V1CustomResourceDefinition>(), c => c.Spec.Names.Kind == kind);

    [Theory]
    [InlineData(Function.KindName, Function.Plural)]
    [InlineData(Broker.KindName, Broker.Plural)]
    [InlineData(Trigger.KindName, Trigger.Plural)]
    public void Crd_Names_MatchCoreAndAreNamespacedWithStatus(string kind, string plural)
    {
        var crd = Crd(kind);
        var version = Assert.Single(crd.Spec.Versions);

        Assert.Equal($"{plural}.{ApiGroup.Group}", crd.Metadata.Name);
        Assert.Equal(ApiGroup.Group, crd.Spec.Group);
        Assert.Equal(plural, crd.Spec.Names.Plural);
        Assert.Equal("Namespaced", crd.Spec.Scope);
        Assert.Equal(ApiGroup.Version, version.Name);
        Assert.True(version.Served && version.Storage);
        Assert.NotNull(version.Subresources?.Status);
        Assert.Contains("serverless", crd.Spec.Names.Categories);
    }

    [Fact]
    public void FunctionCrd_ShortNameScaleAndColumns_AreAsDesigned()
    {
        var crd = Crd(Function.KindName);
        var version = crd.Spec.Versions[0];
        var scale = version.Subresources.Scale;
        var schema = CrdSchemas.OpenApiSchemaOf(Function.KindName);

        Assert.Equal(["fn"], crd.Spec.Names.ShortNames);
        Assert.Equal(".spec.scale.minScale", scale.SpecReplicasPath);
        Assert.Equal(".status.replicas", scale.StatusReplicasPath);
        // GET /scale fails when the spec path is absent: the schema defaults it (scale: {} then minScale: 0).
        Assert.Equal("integer", (string?)At(schema, scale.SpecReplicasPath)["type"]);
        Assert.NotNull(At(schema, ".spec.scale")["default"]);
        Assert.NotNull(At(schema, scale.SpecReplicasPath)["default"]);
        Assert.Equal("integer", (string?)At(schema, scale.StatusReplicasPath)["type"]);

        // `kubectl get fn` shows why a Function is not Ready (NotOwned, InvalidSpec, …) without -o wide (issue #20).
        var columns = version.AdditionalPrinterColumns.Where(c => (c.Priority ?? 0) == 0).Select(c => c.Name);
        Assert.Equal(["Ready", "Reason", "Replicas", "URL", "Age"], columns);
        Assert.All(version.AdditionalPrinterColumns.Where(c => !c.JsonPath.StartsWith(".metadata", StringComparison.Ordinal)), c =>
            At(schema, c.JsonPath.Split('[')[0]));
    }

    public static TheoryData<string, string, string> Rules
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var (kind, location, rule) in CrdSchemas.AllRules())
            {
                data.Add(kind, location, rule);
            }

            return data;
        }
    }

    /// <summary>
    /// What the API server does with each rule when the CRD is written: compile it with <c>self</c> typed from the
    /// schema at the rule (the resource root adds apiVersion, kind and metadata.name), against the Kubernetes CEL
    /// libraries a 1.29 server declares, and require a bool. A rule that fails here makes the whole install fail.
    /// </summary>
    [Theory]
    [MemberData(nameof(Rules))]
    public void CelRule_EveryRule_CompilesAgainstItsSchemaAsAKubernetesServerDoes(string kind, string location, string rule)
    {
        var program = CelEngine.Shared.Compile(CrdSchemas.SchemaAt(kind, location), rule, isResourceRoot: location.Length == 0);

        Assert.True(program.CompileError is null, $"{kind} {location}: {program.CompileError}\n{rule}");
        Assert.Equal("bool", program.OutputType);
    }

    [Theory]
    [InlineData(Function.KindName)]
    [InlineData(Broker.KindName)]
    [InlineData(Trigger.KindName)]
    public void Schema_EveryNode_IsStructural(string kind)
    {
        var problems = StructuralProblems(CrdSchemas.OpenApiSchemaOf(kind), "").ToArray();

        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The API server's structural-schema rules that a hand-written CRD can break: a type everywhere (or
    /// int-or-string), no additionalProperties beside properties, required and list-map keys that exist,
    /// CEL fieldPaths that point at a property, and patterns that compile.
    /// </summary>
    private static IEnumerable<string> StructuralProblems(JsonObject schema, string path)
    {
        var intOrString = schema["x-kubernetes-int-or-string"] is not null;
        if (schema["type"] is null && !intOrString)
        {
            yield return path + ": no type";
        }

        var properties = schema["properties"] as JsonObject;
        if (properties is not null && schema["additionalProperties"] is not null)
        {
            yield return path + ": properties and additionalProperties together";
        }

        foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => (string)r!))
        {
            if (properties?[required] is null)
            {
                yield return $"{path}: required \"{required}\" is not a property";
            }
        }

        foreach (var key in (schema["x-kubernetes-list-map-keys"] as JsonArray ?? []).Select(k => (string)k!))
        {
            var item = (JsonObject)schema["items"]!;
            if (!(item["required"] as JsonArray ?? []).Any(r => (string?)r == key) && item["properties"]?[key]?["default"] is null)
            {
                yield return $"{path}: list-map key \"{key}\" must be required or defaulted";
            }
        }

        // apiextensions' ValidFieldPath: each step of a fieldPath is a property of the schema at the rule.
        foreach (var rule in schema["x-kubernetes-validations"] as JsonArray ?? [])
        {
            if ((string?)rule!["fieldPath"] is { } fieldPath
                && fieldPath.TrimStart('.').Split('.').Aggregate((JsonNode?)schema, (node, step) => node?["properties"]?[step]) is null)
            {
                yield return $"{path}: fieldPath {fieldPath} is not a property";
            }
        }

        if ((string?)schema["pattern"] is { } pattern)
        {
            string? error = null;
            try
            {
                Re2Pattern.IsMatch(pattern, "");
            }
            catch (ArgumentException e)
            {
                error = e.Message;
            }

            if (error is not null)
            {
                yield return $"{path}: pattern does not compile: {error}";
            }
        }

        var children = (properties ?? []).Select(p => (path + "." + p.Key, p.Value))
            .Append((path + "[*]", schema["items"]))
            .Append((path + "{*}", schema["additionalProperties"]));
        foreach (var (childPath, child) in children)
        {
            if (child is JsonObject childSchema)
            {
                foreach (var problem in StructuralProblems(childSchema, childPath))
                {
                    yield return problem;
                }
            }
        }
    }

    private static JsonObject At(JsonObject schema, string jsonPath)
    {
        var node = schema;
        foreach (var part in jsonPath.TrimStart('.').Split('.'))
        {
            node = Assert.IsType<JsonObject>(node["properties"]?[part], exactMatch: false);
        }

        return node;
    }
}
