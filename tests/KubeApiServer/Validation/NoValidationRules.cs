using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.KubeApiServer.Validation;

/// <summary>
/// Leaves every CEL rule unevaluated: the double checks the schema only. For a test that must not start the CEL
/// engine (a Node.js process); the default is <see cref="Cel.CelValidationRules"/>.
/// </summary>
public sealed class NoValidationRules : IValidationRuleEvaluator
{
    public static NoValidationRules Instance { get; } = new();

    public bool IsTransitionRule(ValidationRule rule, JsonObject schema, bool isResourceRoot) => false;

    public IReadOnlyList<IReadOnlyList<ValidationRuleResult>> Evaluate(IReadOnlyList<ValidationRuleSite> sites) =>
        sites.Select(site => (IReadOnlyList<ValidationRuleResult>)site.Rules.Select(_ => ValidationRuleResult.NotEvaluated).ToList()).ToList();
}
