namespace Serverless.Hosting.KubeApi.Schema;

/// <summary>One <c>x-kubernetes-validations</c> entry of a CRD schema, as the CRD declares it.</summary>
/// <param name="Rule">The CEL expression; <c>self</c> is the value at the rule's location, <c>oldSelf</c> the stored one on update.</param>
/// <param name="Message">The message when the rule fails; the real server says <c>failed rule: {Rule}</c> without one.</param>
/// <param name="MessageExpression">A CEL string expression giving the message instead, when it evaluates to a usable one.</param>
/// <param name="FieldPath">Where the error points, relative to the rule's location (<c>.handler</c>); empty for the location itself.</param>
/// <param name="Reason">The cause's reason: FieldValueInvalid (default), FieldValueRequired, FieldValueForbidden or FieldValueDuplicate.</param>
public sealed record ValidationRule(
    string Rule,
    string? Message = null,
    string? MessageExpression = null,
    string? FieldPath = null,
    string? Reason = null,
    bool OptionalOldSelf = false)
{
    /// <summary>How the API server names the rule in an evaluation error (its <c>ruleErrorString</c>): the message, else the expression.</summary>
    public string ErrorText => string.IsNullOrEmpty(Message) ? Rule.Trim() : Message.Trim();

    /// <summary>A violation's detail when no messageExpression gave one (the API server's <c>ruleMessageOrDefault</c>).</summary>
    public string MessageOrDefault => string.IsNullOrEmpty(Message) ? $"failed rule: {Rule.Trim()}" : Message.Trim();
}
