namespace Serverless.Core.Contracts;

/// <summary>
/// Whether a backend enforces a workload's resource limits, for the Function's <c>ResourcesEnforced</c> condition.
/// </summary>
/// <param name="Enforced">True when every limit in <c>spec.resources.limits</c> is enforced.</param>
/// <param name="Reason">A CamelCase reason, e.g. <c>Enforced</c> or <c>CgroupsUnavailable</c>.</param>
/// <param name="Message">What is enforced and how, or what is not and why, in a sentence a user can act on.</param>
public sealed record ResourceEnforcement(bool Enforced, string Reason, string Message);
