using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Schema;

namespace Serverless.KubeApiServer.Validation;

/// <summary>
/// Evaluates a CRD's <c>x-kubernetes-validations</c> (CEL) rules for the double. The double calls it once per rule
/// and value, after the schema checks passed (as the API server does: a blocking schema error skips every rule),
/// and turns a violation into the cause the API server reports (path, reason and message from the rule).
/// </summary>
/// <remarks>
/// TODO(#20): the real CEL engine (tests/KubeApiServer/Validation/Cel/, built with the CRD rule tests) plugs in here,
/// as the default of <see cref="KubeApiDoubleOptions.ValidationRules"/>. Until then the double checks the schema
/// only and <see cref="NoValidationRules"/> leaves every rule unevaluated.
/// </remarks>
public interface IValidationRuleEvaluator
{
    /// <param name="rule">The rule as the CRD declares it.</param>
    /// <param name="self">The value at the rule's location.</param>
    /// <param name="oldSelf">The stored value at the same location on an update, when there is one; null on create.</param>
    /// <param name="schema">The OpenAPI schema at the rule's location, as the CRD writes it (to type <c>self</c>).</param>
    ValidationRuleResult Evaluate(ValidationRule rule, JsonNode? self, JsonNode? oldSelf, JsonObject schema);
}
