namespace Serverless.KubeApiServer.Validation;

public enum ValidationRuleOutcome
{
    /// <summary>The rule evaluated to true.</summary>
    Holds,

    /// <summary>The rule evaluated to false: the write is refused with the rule's message.</summary>
    Violated,

    /// <summary>The rule could not be evaluated (compile or runtime error): refused, as the API server refuses it.</summary>
    Error,

    /// <summary>No engine evaluated the rule: the double lets the value through.</summary>
    NotEvaluated,
}
