using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Schema;

namespace Serverless.KubeApiServer.Validation;

/// <summary>Leaves every CEL rule unevaluated: the double checks the schema only.</summary>
/// <remarks>TODO(#20): replaced as the default by the CEL engine in Validation/Cel once both branches are merged.</remarks>
public sealed class NoValidationRules : IValidationRuleEvaluator
{
    public static NoValidationRules Instance { get; } = new();

    public ValidationRuleResult Evaluate(ValidationRule rule, JsonNode? self, JsonNode? oldSelf, JsonObject schema) => ValidationRuleResult.NotEvaluated;
}
