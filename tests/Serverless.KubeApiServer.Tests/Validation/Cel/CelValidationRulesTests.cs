using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;
using Serverless.KubeApiServer.Validation;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.KubeApiServer.Tests.Validation.Cel;

/// <summary>
/// The double's CEL rules as apiextensions-apiserver applies them, on a CRD with what deploy/crds does not use:
/// a root rule without fieldPath, messageExpression, transition rules, the Forbidden reason, evaluation errors,
/// and rules under map values and list items (map lists correlate by key, sets do not).
/// </summary>
public sealed class CelValidationRulesTests
{
    private static readonly CustomResourceDefinition Widgets = CustomResourceDefinitions.Parse(JsonNode.Parse("""
        {
          "spec": {
            "group": "example.dev",
            "scope": "Namespaced",
            "names": { "plural": "widgets", "singular": "widget", "kind": "Widget" },
            "versions": [{
              "name": "v1",
              "served": true,
              "storage": true,
              "schema": { "openAPIV3Schema": {
                "type": "object",
                "x-kubernetes-validations": [{ "rule": "  self.metadata.name.startsWith('w')  " }],
                "properties": {
                  "spec": {
                    "type": "object",
                    "x-kubernetes-validations": [
                      { "rule": "self.replicas <= self.max", "fieldPath": ".replicas",
                        "messageExpression": "'replicas ' + string(self.replicas) + ' exceed ' + string(self.max)" },
                      { "rule": "self.replicas != 13", "message": "unlucky", "messageExpression": "'  '" },
                      { "rule": "self.max >= oldSelf.max", "message": "may not shrink", "fieldPath": ".max" },
                      { "rule": "!has(self.forbidden)", "message": "is not allowed", "fieldPath": ".forbidden", "reason": "FieldValueForbidden" },
                      { "rule": "self.max / self.divisor >= 0", "message": "divides" }
                    ],
                    "properties": {
                      "replicas": { "type": "integer" },
                      "max": { "type": "integer" },
                      "divisor": { "type": "integer" },
                      "forbidden": { "type": "string" },
                      "ports": {
                        "type": "array",
                        "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["name"],
                        "items": {
                          "type": "object",
                          "x-kubernetes-validations": [{ "rule": "self.number == oldSelf.number", "message": "is immutable", "fieldPath": ".number" }],
                          "properties": { "name": { "type": "string" }, "number": { "type": "integer" } }
                        }
                      },
                      "tags": {
                        "type": "array",
                        "x-kubernetes-list-type": "set",
                        "items": { "type": "string", "x-kubernetes-validations": [{ "rule": "self == oldSelf", "message": "sets have no oldSelf" }] }
                      },
                      "labels": {
                        "type": "object",
                        "additionalProperties": { "type": "string", "x-kubernetes-validations": [{ "rule": "self == oldSelf", "message": "is immutable" }] }
                      }
                    }
                  }
                }
              } }
            }]
          }
        }
        """)!.AsObject());

    [Fact]
    public void Create_RootRuleWithoutFieldPath_ReportedAtNilWithDefaultMessage()
    {
        var errors = Validate(Widget("x1", Spec()));

        Assert.Equal(["FieldValueInvalid <nil>: Invalid value: \"object\": failed rule: self.metadata.name.startsWith('w')"], errors);
    }

    [Fact]
    public void Create_MessageExpression_GivesTheMessage()
    {
        var errors = Validate(Widget("w1", Spec(replicas: 5, max: 3)));

        Assert.Equal(["FieldValueInvalid spec.replicas: Invalid value: \"object\": replicas 5 exceed 3"], errors);
    }

    [Fact]
    public void Create_BlankMessageExpression_FallsBackToMessage()
    {
        var errors = Validate(Widget("w1", Spec(replicas: 13, max: 20)));

        Assert.Equal(["FieldValueInvalid spec: Invalid value: \"object\": unlucky"], errors);
    }

    [Fact]
    public void Create_ForbiddenReason_HasNoValue()
    {
        var spec = Spec();
        spec["forbidden"] = "x";

        var errors = Validate(Widget("w1", spec));

        Assert.Equal(["FieldValueForbidden spec.forbidden: Forbidden: is not allowed"], errors);
    }

    [Fact]
    public void Create_EvaluationError_ReportedAtTheRuleNamingIt()
    {
        var spec = Spec();
        spec["divisor"] = 0;

        var error = Assert.Single(Validate(Widget("w1", spec)));

        Assert.StartsWith("FieldValueInvalid spec: Invalid value: \"object\": ", error);
        Assert.EndsWith(" evaluating rule: divides", error);
    }

    [Fact]
    public void Create_TransitionRules_NotEvaluated()
    {
        var spec = Spec();
        spec["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["number"] = 80 });
        spec["labels"] = new JsonObject { ["a"] = "x" };

        Assert.Empty(Validate(Widget("w1", spec)));
    }

    [Fact]
    public void Update_TransitionRule_SeesOldSelf()
    {
        var errors = Validate(Widget("w1", Spec(max: 2)), Widget("w1", Spec(max: 3)));

        Assert.Equal(["FieldValueInvalid spec.max: Invalid value: \"object\": may not shrink"], errors);
    }

    [Fact]
    public void Update_ListMapItems_CorrelatedByKey()
    {
        var old = Spec();
        old["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["number"] = 80 }, new JsonObject { ["name"] = "admin", ["number"] = 90 });
        var next = Spec();
        next["ports"] = new JsonArray(
            new JsonObject { ["name"] = "grpc", ["number"] = 1 },
            new JsonObject { ["name"] = "admin", ["number"] = 90 },
            new JsonObject { ["name"] = "http", ["number"] = 81 });

        var errors = Validate(Widget("w1", next), Widget("w1", old));

        Assert.Equal(["FieldValueInvalid spec.ports[2].number: Invalid value: \"object\": is immutable"], errors);
    }

    [Fact]
    public void Update_MapValues_CorrelatedByKeyAndSetItemsNot()
    {
        var old = Spec();
        old["labels"] = new JsonObject { ["a"] = "x", ["b"] = "y" };
        old["tags"] = new JsonArray("t1");
        var next = Spec();
        next["labels"] = new JsonObject { ["a"] = "changed", ["b"] = "y", ["c"] = "new" };
        next["tags"] = new JsonArray("t2");

        var errors = Validate(Widget("w1", next), Widget("w1", old));

        Assert.Equal(["FieldValueInvalid spec.labels[a]: Invalid value: \"string\": is immutable"], errors);
    }

    [Fact]
    public void Update_UnchangedInvalidValue_Ratcheted()
    {
        // A value stored before a rule tightened: the server only warns while an update leaves it as it is.
        var invalid = Spec(replicas: 5, max: 3);
        var old = Widget("w1", invalid);
        var next = Widget("w1", (JsonObject)invalid.DeepClone());
        next["status"] = new JsonObject { ["ready"] = true };

        Assert.Empty(Validate(next, old));
        Assert.Single(Validate(Widget("w1", Spec(replicas: 6, max: 3)), old));
    }

    [Fact]
    public void IsTransitionRule_FromTheCompiledRule()
    {
        var spec = Widgets.Schema.Property("spec")!;

        var transitions = spec.Rules.Where(r => CelValidationRules.Instance.IsTransitionRule(r, spec.Raw, isResourceRoot: false)).Select(r => r.Rule);

        Assert.Equal(["self.max >= oldSelf.max"], transitions);
    }

    private static List<string> Validate(JsonObject obj, JsonObject? old = null)
    {
        var errors = new List<FieldError>();
        new CustomResourceValidator(Widgets, CelValidationRules.Instance).Validate(obj, old, statusOnly: false, errors);
        return errors.Select(e => $"{e.Reason} {e}").ToList();
    }

    private static JsonObject Widget(string name, JsonObject spec) => new()
    {
        ["apiVersion"] = "example.dev/v1",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = spec,
    };

    private static JsonObject Spec(int replicas = 1, int max = 3) => new() { ["replicas"] = replicas, ["max"] = max, ["divisor"] = 1 };
}
