namespace Serverless.KubeApiServer.Validation;

/// <summary>What evaluating one validation rule gave.</summary>
/// <param name="Message">For a violation: the message a <c>messageExpression</c> gave, when the rule's own message does not apply.
/// For an error: the cause's detail (what went wrong, naming the rule).</param>
public sealed record ValidationRuleResult(ValidationRuleOutcome Outcome, string? Message = null)
{
    public static ValidationRuleResult Holds { get; } = new(ValidationRuleOutcome.Holds);

    public static ValidationRuleResult NotEvaluated { get; } = new(ValidationRuleOutcome.NotEvaluated);

    public static ValidationRuleResult Violated(string? message = null) => new(ValidationRuleOutcome.Violated, message);

    public static ValidationRuleResult Error(string message) => new(ValidationRuleOutcome.Error, message);
}
