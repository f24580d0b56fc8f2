using System.Net;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;
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
    public async Task Create_DefaultEvaluator_EvaluatesRules()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var body = Function("x1");
        body["spec"] = new JsonObject { ["runtime"] = "dotnet" };

        var response = await api.PostAsync(RawApi.Functions, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueRequired@spec.handler", "FieldValueRequired@spec.source"], response.Causes);
        Assert.Equal(
            "Function.serverless.dev \"x1\" is invalid: [spec.handler: Required value: is required for runtime \"dotnet\": Assembly::Namespace.Type::Method, "
            + "spec.source: Required value: must set one of path or configMap (or set spec.image)]",
            response.Json!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_DefaultEvaluator_ListItemRuleReportedAtItem()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var env = new JsonArray(new JsonObject { ["name"] = "GREETING" }, new JsonObject { ["name"] = "SERVERLESS_X" });

        var response = await api.PostAsync(RawApi.Functions, Function("x1", new JsonObject { ["env"] = env }));

        Assert.Equal(["FieldValueInvalid@spec.env[1].name"], response.Causes);
        Assert.Equal("Invalid value: \"object\": is reserved by the platform", response.Json!["details"]!["causes"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_TransitionRule_NotEvaluated()
    {
        var rules = new FakeRules(_ => ValidationRuleResult.Violated(), transition: rule => rule.Rule == RuntimeOrImage);
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { ValidationRules = rules });
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions, Function("x1"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.DoesNotContain(rules.Calls, c => c.Rule.Rule == RuntimeOrImage);
        Assert.DoesNotContain("FieldValueRequired@spec.runtime", response.Causes);
    }

    [Fact]
    public async Task Update_UnchangedSpec_SpecRulesRatchetedButTransitionRulesRun()
    {
        // The spec's rules start failing after the create: the real server only warns about a value the update
        // leaves unchanged, and the double does not evaluate them there at all.
        var failing = false;
        var rules = new FakeRules(
            rule => failing && rule.Rule.StartsWith("!has(self.handler)", StringComparison.Ordinal) ? ValidationRuleResult.Violated() : ValidationRuleResult.Holds,
            transition: rule => rule.Rule == RuntimeOrImage);
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { ValidationRules = rules });
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));
        failing = true;
        rules.Calls.Clear();

        var labelled = await api.PatchAsync(RawApi.Functions + "/x1", JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}}}""")!, "application/merge-patch+json");
        var labelCalls = rules.Calls.ToList();
        var respecced = await api.PatchAsync(RawApi.Functions + "/x1", JsonNode.Parse("""{"spec":{"timeoutSeconds":20}}""")!, "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.OK, labelled.Status);
        Assert.Contains(labelCalls, c => c.Self?["spec"] is not null); // The root changed: its rule runs.
        Assert.Equal([RuntimeOrImage], labelCalls.Where(c => c.Self?["image"] is not null).Select(c => c.Rule.Rule));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, respecced.Status);
        Assert.Contains("FieldValueInvalid@spec.handler", respecced.Causes);
    }

    [Fact]
    public async Task Update_ListMapItems_OldSelfCorrelatedByKey()
    {
        var rules = new FakeRules(_ => ValidationRuleResult.Holds);
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { ValidationRules = rules });
        using var api = new RawApi(server);
        var env = new JsonArray(new JsonObject { ["name"] = "A", ["value"] = "1" }, new JsonObject { ["name"] = "B", ["value"] = "1" });
        await api.PostAsync(RawApi.Functions, Function("x1", new JsonObject { ["env"] = env }));
        rules.Calls.Clear();

        await api.PatchAsync(
            RawApi.Functions + "/x1",
            JsonNode.Parse("""{"spec":{"env":[{"name":"C","value":"3"},{"name":"A","value":"2"},{"name":"B","value":"1"}]}}""")!,
            "application/merge-patch+json");

        var items = rules.Calls.Where(c => c.Rule.FieldPath == ".name").ToList();
        var changed = Assert.Single(items, c => c.OldSelf is not null);
        Assert.Equal("A", changed.Self!["name"]!.GetValue<string>());
        Assert.Equal("1", changed.OldSelf!["value"]!.GetValue<string>());
        Assert.Equal("C", Assert.Single(items, c => c.OldSelf is null).Self!["name"]!.GetValue<string>());
    }

    private sealed class FakeRules(Func<ValidationRule, ValidationRuleResult> decide, Func<ValidationRule, bool>? transition = null) : IValidationRuleEvaluator
    {
        public List<(ValidationRule Rule, JsonNode? Self, JsonNode? OldSelf, JsonObject Schema)> Calls { get; } = [];

        public bool IsTransitionRule(ValidationRule rule, JsonObject schema, bool isResourceRoot) => transition?.Invoke(rule) ?? false;

        public IReadOnlyList<IReadOnlyList<ValidationRuleResult>> Evaluate(IReadOnlyList<ValidationRuleSite> sites)
        {
            lock (Calls)
            {
                Calls.AddRange(sites.SelectMany(site => site.Rules.Select(rule => (rule, (JsonNode?)site.Self.DeepClone(), site.OldSelf?.DeepClone(), site.Schema))));
            }

            return sites.Select(site => (IReadOnlyList<ValidationRuleResult>)site.Rules.Select(decide).ToList()).ToList();
        }
    }
}
