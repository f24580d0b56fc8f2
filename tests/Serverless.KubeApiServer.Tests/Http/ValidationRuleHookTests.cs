using System.Net;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Schema;
using Serverless.KubeApiServer.Validation;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>
/// The hook the CEL engine plugs into: the double hands each x-kubernetes-validations rule its self and oldSelf,
/// and turns a violation into the cause the real server reports (path from fieldPath, reason, message).
/// </summary>
public sealed class ValidationRuleHookTests
{
    private const string RuntimeOrImage = "has(self.runtime) || has(self.image)";

    [Fact]
    public async Task Create_RuleViolated_AnswersCauseFromRule()
    {
        var rules = new FakeRules(rule => rule.Rule == RuntimeOrImage ? ValidationRuleResult.Violated() : ValidationRuleResult.Holds);
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { ValidationRules = rules });
        using var api = new RawApi(server);
        var body = Function("x1");
        body["spec"] = new JsonObject { ["source"] = new JsonObject { ["configMap"] = "code" } };

        var response = await api.PostAsync(RawApi.Functions, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        var cause = Assert.Single(response.Json!["details"]!["causes"]!.AsArray())!;
        Assert.Equal("FieldValueRequired", cause["reason"]!.GetValue<string>());
        Assert.Equal("spec.runtime", cause["field"]!.GetValue<string>());
        Assert.Equal("Required value: is required unless spec.image is set", cause["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_Rules_SeeSelfAndOldSelf()
    {
        var rules = new FakeRules(_ => ValidationRuleResult.Holds);
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { ValidationRules = rules });
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1", new JsonObject { ["timeoutSeconds"] = 10 }));
        rules.Calls.Clear();

        await api.PatchAsync(RawApi.Functions + "/x1", JsonNode.Parse("""{"spec":{"timeoutSeconds":20}}""")!, "application/merge-patch+json");

        var specRule = rules.Calls.First(c => c.Rule.Rule == RuntimeOrImage);
        Assert.Equal(20, specRule.Self!["timeoutSeconds"]!.GetValue<int>());
        Assert.Equal(10, specRule.OldSelf!["timeoutSeconds"]!.GetValue<int>());
        Assert.Equal("object", specRule.Schema["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_BlockingSchemaError_RulesSkippedWithServerCause()
    {
        var rules = new FakeRules(_ => ValidationRuleResult.Violated());
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { ValidationRules = rules });
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions, Function("x1", new JsonObject { ["runtime"] = "ruby" }));

        Assert.Equal(["FieldValueInvalid@<nil>", "FieldValueNotSupported@spec.runtime"], response.Causes);
        Assert.Empty(rules.Calls);
    }

    [Fact]
    public async Task Create_DefaultEvaluator_LeavesRulesUnevaluated()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var body = Function("x1");
        body["spec"] = new JsonObject { ["runtime"] = "dotnet" };

        var response = await api.PostAsync(RawApi.Functions, body);

        // TODO(#20): 422 (spec.handler and spec.source required) once the CEL engine is the default evaluator.
        Assert.Equal(HttpStatusCode.Created, response.Status);
    }

    private sealed class FakeRules(Func<ValidationRule, ValidationRuleResult> decide) : IValidationRuleEvaluator
    {
        public List<(ValidationRule Rule, JsonNode? Self, JsonNode? OldSelf, JsonObject Schema)> Calls { get; } = [];

        public ValidationRuleResult Evaluate(ValidationRule rule, JsonNode? self, JsonNode? oldSelf, JsonObject schema)
        {
            lock (Calls)
            {
                Calls.Add((rule, self?.DeepClone(), oldSelf?.DeepClone(), schema));
            }

            return decide(rule);
        }
    }
}
