using System.Text.Json.Nodes;
using Serverless.Core.Api;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>
/// The CRDs' transition rules (those reading <c>oldSelf</c>), which run on updates only and so are not reached by the
/// create-time tables: each is held here against an old and a new value, with the CEL engine the API double uses.
/// </summary>
public sealed class TransitionRuleTests
{
    private const string Spec = """
        {"function":"hello","contentHash":"0123456789abcdef","runtime":"node","handler":"index.js:handle",
         "source":{"configMap":"hello-0123456789"},"env":[{"name":"GREETING","value":"hi"}],
         "resources":{"limits":{"memory":"64Mi"}},"timeoutSeconds":300,"containerConcurrency":0}
        """;

    /// <summary>Where each transition rule of deploy/crds sits; a new one must get rows below.</summary>
    private static readonly (string Kind, string Location)[] Held = [(Revision.KindName, ".spec")];

    public static bool IsTransitionRule(string rule) => rule.Contains("oldSelf", StringComparison.Ordinal);

    [Fact]
    public void TransitionRules_EveryOne_IsHeldHere()
    {
        var found = CrdSchemas.AllRules().Where(r => IsTransitionRule(r.Rule)).Select(r => (r.Kind, r.Location)).ToArray();

        Assert.Equal(Held, found);
    }

    public static TheoryData<string, string, bool> RevisionSpecs => new()
    {
        // label, the new spec, accepted
        { "unchanged", Spec, true },
        { "the same spec, fields in another order", """{"timeoutSeconds":300,"containerConcurrency":0,"env":[{"value":"hi","name":"GREETING"}],"function":"hello","contentHash":"0123456789abcdef","runtime":"node","handler":"index.js:handle","source":{"configMap":"hello-0123456789"},"resources":{"limits":{"memory":"64Mi"}}}""", true },
        { "another handler", Spec.Replace("index.js:handle", "other.js:handle", StringComparison.Ordinal), false },
        { "another artifact", Spec.Replace("hello-0123456789", "hello-fedcba9876", StringComparison.Ordinal), false },
        { "an env value changed", Spec.Replace("\"hi\"", "\"ho\"", StringComparison.Ordinal), false },
        { "a resource limit changed", Spec.Replace("64Mi", "128Mi", StringComparison.Ordinal), false },
        { "a field removed", Spec.Replace(",\"containerConcurrency\":0", "", StringComparison.Ordinal), false },
    };

    [Theory]
    [MemberData(nameof(RevisionSpecs))]
    public void RevisionSpec_Update_OnlyAnUnchangedSpecPasses(string label, string updated, bool accepted)
    {
        var rule = CrdSchemas.AllRules().Single(r => r.Kind == Revision.KindName && r.Location == ".spec").Rule;
        var program = CelEngine.Shared.Compile(CrdSchemas.SchemaAt(Revision.KindName, ".spec"), rule);
        Assert.True(program.CompileError is null, $"{label}: {program.CompileError}");
        Assert.True(program.UsesOldSelf, label);

        var result = program.Evaluate(JsonNode.Parse(updated), JsonNode.Parse(Spec));

        Assert.True(result.Error is null, $"{label}: {result.Error}");
        Assert.Equal(accepted, result.Passed);
    }
}
