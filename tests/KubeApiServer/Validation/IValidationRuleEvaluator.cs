using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.KubeApiServer.Validation;

/// <summary>
/// Evaluates a CRD's <c>x-kubernetes-validations</c> (CEL) rules for the double. The double calls it once per write,
/// after the schema checks passed (as the API server does: a blocking schema error skips every rule), with every
/// rule due in the object, and turns a violation into the cause the API server reports (path, reason and message
/// from the rule).
/// </summary>
/// <remarks>
/// The default, <see cref="Cel.CelValidationRules"/>, compiles and runs the rules with a real CEL engine;
/// <see cref="NoValidationRules"/> leaves them unevaluated (the schema alone is checked). Implementations are called
/// under a double's store lock, possibly from several doubles at once: they must be thread-safe.
/// </remarks>
public interface IValidationRuleEvaluator
{
    /// <summary>
    /// Whether <paramref name="rule"/> reads <c>oldSelf</c> (a transition rule): the double then runs it only where
    /// the value has a stored counterpart, and runs it even on a value the update left unchanged.
    /// </summary>
    /// <param name="schema">The OpenAPI schema at the rule's location, as the CRD writes it.</param>
    /// <param name="isResourceRoot">As <see cref="ValidationRuleSite.IsResourceRoot"/>.</param>
    bool IsTransitionRule(ValidationRule rule, JsonObject schema, bool isResourceRoot);

    /// <summary>Evaluates the rules due in one written object (one call per write, so an engine can run them together).</summary>
    /// <returns>
    /// Per site, one result per rule, in order. For a violation, the message of the rule's <c>messageExpression</c>
    /// when it has one that gave a usable message (the double falls back to <c>message</c> otherwise); for an error,
    /// the cause's whole detail.
    /// </returns>
    IReadOnlyList<IReadOnlyList<ValidationRuleResult>> Evaluate(IReadOnlyList<ValidationRuleSite> sites);
}
